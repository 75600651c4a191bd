/** What a screen shows where a snapshot is not cached yet: plain words, never a crash. */
export const NO_FIGURES_TEXT = 'No figures yet — they appear after the first sync';

export function NoFigures({ loading = false }: { loading?: boolean }) {
  return loading ? (
    <p className="muted" aria-busy="true">
      Loading the latest figures…
    </p>
  ) : (
    <p className="muted no-figures" data-testid="no-figures">
      {NO_FIGURES_TEXT}
    </p>
  );
}
