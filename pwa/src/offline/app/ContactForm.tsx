// Correcting a network member's phone and e-mail on the device (queued for the server).
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorSummary, TextField } from '../../components/Form';
import * as store from '../store';
import { queue, syncNow } from '../sync';

const PHONE = /^\+?[0-9 ]{8,16}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function ContactForm({
  member,
  onDone,
  childName,
  caseId,
  pending,
}: {
  member: store.Member;
  onDone: (saved: boolean) => void;
  childName: string;
  caseId: string;
  pending?: store.ContactOp;
}) {
  const [phone, setPhone] = useState(pending?.phone ?? member.phone ?? '');
  const [email, setEmail] = useState(pending?.email ?? member.email ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const phoneId = `contact-${member.id}-phone`;
  const emailId = `contact-${member.id}-email`;

  useEffect(() => {
    document.getElementById(phoneId)?.focus();
  }, [phoneId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (phone.trim() && !PHONE.test(phone.trim())) e.phone = 'Telefonnummeret skal have 8 cifre, evt. med +45';
    if (email.trim() && !EMAIL.test(email.trim())) e.email = 'E-mailadressen ser ikke rigtig ud';
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    try {
      const values = { phone: phone.trim() || null, email: email.trim() || null };
      if (pending && pending.state === 'pending' && pending.attempts === 0) {
        await store.replaceOp({ ...pending, ...values });
        void syncNow();
      } else {
        await queue({
          kind: 'contact',
          caseId,
          childName,
          memberId: member.id,
          name: member.name,
          // After a change still on its way, this one builds on it.
          version: pending ? pending.version + 1 : member.version,
          ...values,
          before: { phone: member.phone ?? null, email: member.email ?? null },
        });
      }
      onDone(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form case-form" aria-label={`Ret kontaktoplysninger for ${member.name}`}>
      <ErrorSummary
        errors={errors}
        fields={{ phone: [phoneId, 'Telefon'], email: [emailId, 'E-mail'] }}
      />
      <TextField id={phoneId} label="Telefon" type="tel" value={phone} onChange={setPhone} error={errors.phone} width="input-width-m" />
      <TextField id={emailId} label="E-mail" type="email" value={email} onChange={setEmail} error={errors.email} />
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" aria-disabled={busy || undefined}>
          Gem rettelse
        </button>
        <button type="button" className="button button-tertiary button-small" onClick={() => onDone(false)}>
          Fortryd
        </button>
      </div>
    </form>
  );
}
