import { PageHeading } from '../components/PageHeading';
import { Link } from '../router';

/** Where the backend sends a kommune user who logged in at the provider but has no user here. */
export function IkkeOprettet() {
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-7">
        <PageHeading>Du er ikke oprettet i Trekant</PageHeading>
        <p>
          Du er logget ind hos din kommune, men du har ikke adgang til Trekant endnu. Bed din
          kommunes Trekant-administrator om at oprette dig.
        </p>
        <p>
          <Link to="/log-ind">Tilbage til log ind</Link>
        </p>
      </div>
    </div>
  );
}
