import { PageHeading } from '../components/PageHeading';
import { Link } from '../router';

/** A page the user's roles do not allow (the menu hides it; this is for typed addresses). */
export function NoAccess({ what }: { what: string }) {
  return (
    <>
      <PageHeading>Ingen adgang</PageHeading>
      <p>Dine roller i Trekant giver ikke adgang til {what}.</p>
      <p>
        <Link to="/">Gå til forsiden</Link>
      </p>
    </>
  );
}
