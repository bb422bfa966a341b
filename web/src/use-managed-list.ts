import { type Dispatch, type SetStateAction, useCallback, useEffect, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';

/** What {@link useManagedList} gives a page section. */
export interface ManagedList<Item> {
  /** `undefined` while the first load runs. */
  items: Item[] | undefined;
  setItems: Dispatch<SetStateAction<Item[] | undefined>>;
  error: string | undefined;
  notice: string | undefined;
  reload(): Promise<void>;
  /**
   * Runs a change (remove, revoke, toggle), shows `success` or the error, then reloads. `explain` may turn
   * a failure into a notice instead (a 412 that a reload resolves, say).
   */
  run(
    action: () => Promise<unknown>,
    success?: string,
    explain?: (caught: unknown) => string | undefined,
  ): Promise<void>;
}

/** A list loaded from `url` (the array under `field`), with the messages of the changes made to it. */
export function useManagedList<Item>(url: string, field: string): ManagedList<Item> {
  const [items, setItems] = useState<Item[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      const body = await apiJson<Record<string, Item[]>>(url);
      setItems(body[field] ?? []);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [url, field]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const run: ManagedList<Item>['run'] = async (action, success, explain) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
      if (success) setNotice(success);
    } catch (caught) {
      const explained = explain?.(caught);
      if (explained) setNotice(explained);
      else setError(errorMessage(caught));
    }
    await reload();
  };

  return { items, setItems, error, notice, reload, run };
}
