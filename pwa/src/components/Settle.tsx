// A page whose sections load one by one moves everything below a section when that section's
// answer arrives. A button that is already on screen below it moves away under a press: the
// press starts on the button, the release lands on whatever is there after the move, and the
// browser sends the click to neither (a click needs press and release on the same element).
// On a slow machine or tablet that is a click that does nothing — "Gem til hjemmebesøg" at the
// bottom of the front page did exactly that (docs/offline-notes.md, "The front page").
//
// Inside a <SettleScope>, every <Loading> holds the page while it is shown, as does a section
// that shows nothing while it loads (useHoldSettle). useSettled() is true from the first commit
// in which nothing above the caller holds it, and stays true (a later reload the person asked for
// does not hide what they are using). Without a scope nothing holds and useSettled() is true.
// <SettleGate> shows its children once what is above it has arrived (the front page's worklist
// under "Indgået post" and a manager's team overview); its children hold a scope of their own.
import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react';

/** The scope's count of holds and who wants to know when it changes. */
class Store {
  private count = 0;
  private readonly listeners = new Set<() => void>();

  holds(): number {
    return this.count;
  }

  /** Count one hold; the returned function ends it. */
  hold(): () => void {
    this.count += 1;
    this.changed();
    return () => {
      this.count -= 1;
      this.changed();
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

const SettleContext = createContext<Store | null>(null);

/** The part of a page whose loading sections a later section waits for (the front page). */
export function SettleScope({ children }: { children: ReactNode }) {
  const [store] = useState(() => new Store());
  return <SettleContext.Provider value={store}>{children}</SettleContext.Provider>;
}

/** While `pending`, the scope's content is still arriving (a no-op outside a scope). */
export function useHoldSettle(pending: boolean): void {
  const store = useContext(SettleContext);
  useLayoutEffect(() => (store && pending ? store.hold() : undefined), [store, pending]);
}

/**
 * Has the scope's content arrived (once)? Checked in a layout effect, i.e. after the holds of
 * the sections before the caller in the same commit are counted, so a loader that goes while
 * the next one comes (the worklist's summary, then its first group's page) never reads as
 * settled, and the caller's content appears in the same frame as the content above it.
 */
export function useSettled(): boolean {
  const store = useContext(SettleContext);
  const [settled, setSettled] = useState(store === null);
  const [check, setCheck] = useState(0);
  useLayoutEffect(() => {
    if (!store || settled) return;
    if (store.holds() === 0) {
      setSettled(true);
      return;
    }
    return store.subscribe(() => setCheck((n) => n + 1));
  }, [store, settled, check]);
  return settled;
}

/**
 * Its children appear once the content before it in the scope has arrived. Until then they are
 * mounted but hidden (their requests run meanwhile, their state is kept) and `placeholder`
 * (which must not hold, e.g. <Loading hold={false}>) stands in their place. The children's own
 * loading holds a scope of their own: the gate does not wait for it, what waits inside does.
 */
export function SettleGate({ placeholder, children }: { placeholder: ReactNode; children: ReactNode }) {
  const settled = useSettled();
  return (
    <>
      {settled ? null : placeholder}
      <div hidden={!settled}>
        <SettleScope>{children}</SettleScope>
      </div>
    </>
  );
}
