import { useEffect, useState } from 'react';
import type { Observable } from 'rxjs';

/** Subscribes to an RxDB query (or any observable) and re-renders on each result. */
export function useObservable<T>(make: () => Observable<T> | null, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const source = make();
    if (!source) return;
    const sub = source.subscribe(setValue);
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}
