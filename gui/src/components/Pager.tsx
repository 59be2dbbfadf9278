/** Previous and next page of a list, from its offset, size and total. */
import { useTranslation } from 'react-i18next';

export function Pager({
  offset,
  size,
  total,
  onOffset,
}: {
  offset: number;
  size: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  const { t } = useTranslation();
  if (total === 0) return null;
  return (
    <nav
      className="pager"
      aria-label={t('common.pageOf', { from: offset + 1, to: Math.min(total, offset + size), total })}
    >
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - size))}>
        {t('common.previous')}
      </button>
      <span>{t('common.pageOf', { from: offset + 1, to: Math.min(total, offset + size), total })}</span>
      <button type="button" disabled={offset + size >= total} onClick={() => onOffset(offset + size)}>
        {t('common.next')}
      </button>
    </nav>
  );
}
