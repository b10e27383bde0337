import { PageHeading } from '../components/PageHeading';
import { Link } from '../router';

export function NotFound() {
  return (
    <>
      <PageHeading>Siden findes ikke</PageHeading>
      <p>Adressen passer ikke til nogen side i Trekant.</p>
      <p>
        <Link to="/">Gå til forsiden</Link>
      </p>
    </>
  );
}
