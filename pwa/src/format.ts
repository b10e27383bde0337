/** "2024-03-07" (or an ISO timestamp) -> "07.03.2024", without time-zone shifts. */
export function formatDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

const number = new Intl.NumberFormat('da-DK');

export function formatNumber(value: number): string {
  return number.format(value);
}

const pluralRules = new Intl.PluralRules('da-DK');

/**
 * A number with the Danish word form that goes with it: plural(1, 'afgørelse', 'afgørelser')
 * -> "1 afgørelse", plural(3, ...) -> "3 afgørelser", plural(0, ...) -> "0 afgørelser".
 */
export function plural(n: number, one: string, other: string): string {
  return `${number.format(n)} ${pluralRules.select(n) === 'one' ? one : other}`;
}

export function formatAge(age: number): string {
  return age === 1 ? '1 år' : `${age} år`;
}

const dateTime = new Intl.DateTimeFormat('da-DK', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Copenhagen',
});

/** An ISO timestamp -> "07.03.2024 14.05" (Danish time). */
export function formatDateTime(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return dateTime.format(d).replace(',', '');
}

const deadlineParts = new Intl.DateTimeFormat('da-DK', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/Copenhagen',
});

/** An ISO timestamp -> "07.03.2024 kl. 14.05" (Danish time). */
export function formatDeadline(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    deadlineParts.formatToParts(d).find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')} kl. ${part('hour')}.${part('minute')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A Date -> the value of an <input type="datetime-local"> in the browser's time zone. */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2024-03-07T14:05" (browser time) -> "2024-03-07T14:05:00+01:00", or undefined. */
export function localInputToIso(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (Number.isNaN(d.getTime())) return undefined;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const copenhagenDay = new Intl.DateTimeFormat('da-DK', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'Europe/Copenhagen',
});

function copenhagenParts(d: Date): { year: string; month: string; day: string } {
  const parts = copenhagenDay.formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** Today's date in Danish time as "2024-03-07" (the value of an <input type="date">). */
export function todayInCopenhagen(now: Date = new Date()): string {
  const { year, month, day } = copenhagenParts(now);
  return `${year}-${month}-${day}`;
}

/** An ISO timestamp -> "07.03.2024", the day in Danish time. */
export function formatDeadlineDate(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const { year, month, day } = copenhagenParts(d);
  return `${day}.${month}.${year}`;
}

/** Whole calendar days (Danish time) from the deadline's day to today; 0 = the deadline was today. */
export function daysOverdue(dueAt: string, now: Date = new Date()): number {
  const d = new Date(dueAt);
  if (Number.isNaN(d.getTime())) return 0;
  const dayNumber = (x: Date) => {
    const { year, month, day } = copenhagenParts(x);
    return Date.UTC(Number(year), Number(month) - 1, Number(day)) / 86_400_000;
  };
  return Math.max(0, dayNumber(now) - dayNumber(d));
}

/** "1 dag over", "12 dage over"; "Overskredet i dag" when the deadline passed today. */
export function formatOverdue(days: number): string {
  if (days <= 0) return 'Overskredet i dag';
  return days === 1 ? '1 dag over' : `${number.format(days)} dage over`;
}

/** What an address line shows: "Adressebeskyttet" for a person with address protection
 * (the CPR register's adressebeskyttelse: Trekant never holds their address), else the
 * address, else `empty`. */
export function addressText(address: string | null | undefined, isProtected: boolean | undefined, empty = 'Ikke oplyst'): string {
  if (isProtected) return 'Adressebeskyttet';
  return address || empty;
}
