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
