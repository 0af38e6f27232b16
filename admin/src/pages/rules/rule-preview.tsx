import { useDebounced } from '../../lib/use-debounced';
import { useGraphQL } from '../../api/use-graphql';
import { PreviewRuleDocument, type PreviewRuleQuery } from '../../generated/graphql';
import { count } from '../../lib/format';
import { Figures } from '../../ui/figures';
import { ErrorNote } from '../../ui/status';
import type { RuleDraft } from './rule-form';

/** The draft as the API will take it, once the admin pauses typing (numbers left blank wait). */
function useSettledDraft(draft: RuleDraft, ms = 350): RuleDraft | null {
  const settled = useDebounced(draft, ms);
  const numbers = [settled.inactivityDays, settled.everyDays, settled.minUnseen, settled.maxItems, settled.holdoutPercent];
  return numbers.some(Number.isNaN) ? null : settled;
}

/** The smallest lift this selection could prove (80 % power, 5 % significance), as the API phrases it. */
function MinimumDetectableLift({ preview }: { preview: PreviewRuleQuery['previewEngagementRule'] }) {
  return <p data-figure="minimum-detectable-lift">{preview.minimumDetectableLift.sentence}</p>;
}

/** Who the rule would email now and with what, as the admin types: nothing is sent or recorded. */
export function RulePreview({ draft }: { draft: RuleDraft }) {
  const settled = useSettledDraft(draft);
  const input = settled ? { ...settled, name: settled.name.trim() || 'Preview' } : null;
  const { data, error, loading } = useGraphQL(PreviewRuleDocument, { input: input!, sampleSize: 5 }, { skip: !input });
  const preview = data?.previewEngagementRule;
  return (
    <section className="card preview" aria-labelledby="preview-title" aria-busy={loading}>
      <h2 id="preview-title">Preview now</h2>
      <ErrorNote error={error} />
      {preview ? (
        <div aria-live="polite">
          <Figures
            label="Preview"
            items={[
              { id: 'eligible', label: 'Eligible members', value: count(preview.eligibleMembers), hint: 'holdout included' },
              { id: 'held-out', label: 'Held out', value: count(preview.heldOut) },
              { id: 'over-budget', label: 'Over budget', value: count(preview.overBudget), hint: 'another digest was sent recently' },
              { id: 'already-sent', label: 'Already decided this period', value: count(preview.alreadySentThisPeriod) },
            ]}
          />
          <MinimumDetectableLift preview={preview} />
          <h3>Sample digests</h3>
          {preview.samples.length ? (
            <ul className="samples">
              {preview.samples.map((sample) => (
                <li key={sample.member.id}>
                  <strong>{sample.member.displayName}</strong>
                  {sample.member.company ? ` · ${sample.member.company}` : ''}
                  <div className="sample-items">
                    <span className="tag hot">Hot</span> {sample.hot.map((item) => item.title).join(' · ') || 'none'}
                  </div>
                  <div className="sample-items">
                    <span className="tag cold">Cold</span> {sample.cold.map((item) => item.title).join(' · ') || 'none'}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">Nobody would receive this digest now.</p>
          )}
        </div>
      ) : (
        <p className="loading">{loading ? 'Computing the preview…' : 'Fill in the settings to see who would receive it.'}</p>
      )}
    </section>
  );
}
