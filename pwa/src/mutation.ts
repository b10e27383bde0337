// One pattern for a form's save (a TanStack Query mutation): a busy state that also stops a
// second submit, the API's Danish message per field (a 400's `extra: [{key, message}]`, shown
// next to the field and in the form's ErrorSummary) and otherwise one general message.
//
//   const { run, busy, general, setGeneral } = useSubmit({ setErrors });
//   const submit = async (event: FormEvent) => {
//     event.preventDefault();
//     if (busy) return;
//     …check the fields, setErrors(…) and return if something is missing…
//     await run(async () => {
//       const saved = await call(api.PUT(…));
//       onSaved(saved);
//     });
//   };
//
// A form that says more about a general failure than its message (a 409 offers "Hent igen")
// reads `failure` instead of `general`: the same message with the answer's HTTP status.
//
// Several buttons sharing one save (a row of actions, one button per list item) name theirs:
// `run(action, onError, 'approve')`; `busyKey` is that name while it runs (null otherwise),
// so the pressed button spins and the others wait (`busy`).
import { useMutation, type QueryKey } from '@tanstack/react-query';
import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { ApiError, fieldErrors, messageOf } from './api/client';
import { invalidate } from './useApi';

type Errors = Record<string, string>;

/** A failed save that is about no field: its Danish message and HTTP status (0: no answer). */
export type Failure = { message: string; status: number };

export function failureOf(err: unknown): Failure {
  return { message: messageOf(err), status: err instanceof ApiError ? err.status : 0 };
}

export type SubmitOptions = {
  /** Where field errors go when the form keeps them itself (else useSubmit keeps them). */
  setErrors?: Dispatch<SetStateAction<Errors>>;
  /** How an error becomes field messages (default: fieldErrors, the top-level field names). */
  fields?: (err: unknown) => Errors;
  /** Resources the save changes: fetched again after it succeeds. */
  invalidates?: QueryKey[];
};

export function useSubmit(opts: SubmitOptions = {}) {
  const [ownErrors, setOwnErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | undefined>();
  const [status, setStatus] = useState(0);
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const mutation = useMutation({ mutationFn: (action: () => Promise<unknown>) => action() });
  const pending = useRef(false);
  const setErrors = opts.setErrors ?? setOwnErrors;

  /**
   * Run the save (the request and what follows it). A failure lands as field errors when the
   * API named fields, else as `general` — or goes to `onError` when the form says more (a
   * conflict, a field of its own); the answer is undefined then. `key` names the button that
   * started it (`busyKey`).
   */
  const run = async <R>(
    action: () => Promise<R>,
    onError?: (err: unknown) => void,
    key?: string,
  ): Promise<R | undefined> => {
    if (pending.current) return undefined;
    pending.current = true;
    setBusyKey(key ?? null);
    try {
      const result = (await mutation.mutateAsync(action)) as R;
      if (opts.invalidates) invalidate(...opts.invalidates);
      return result;
    } catch (err) {
      if (onError) {
        onError(err);
        return undefined;
      }
      const fields = (opts.fields ?? fieldErrors)(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else {
        const failed = failureOf(err);
        setGeneral(failed.message);
        setStatus(failed.status);
      }
      return undefined;
    } finally {
      pending.current = false;
      setBusyKey(null);
    }
  };

  /** Set (or clear) the general failure with its status; `general` is its message. */
  const setFailure = useCallback((next: Failure | undefined) => {
    setGeneral(next?.message);
    setStatus(next?.status ?? 0);
  }, []);
  const failure: Failure | undefined = general === undefined ? undefined : { message: general, status };

  return {
    run,
    busy: mutation.isPending,
    busyKey,
    errors: ownErrors,
    setErrors,
    general,
    setGeneral,
    failure,
    setFailure,
  };
}
