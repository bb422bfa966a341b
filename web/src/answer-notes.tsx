import type { AnswerData } from './api-types.ts';

/** What the reader should know about an answer: model, removed citations, weak support. */
export function AnswerNotes({ answer }: { answer: AnswerData }) {
  const removed = answer.removedCitations;
  return (
    <div className="answer-notes">
      {answer.retrievalOnly && (
        <p className="note note-warning">Retrieval only, no model answered: {answer.retrievalOnly}</p>
      )}
      {answer.unsupported && (
        <p className="note note-warning">Parts of this answer may not be supported by the cited sources.</p>
      )}
      {removed > 0 && (
        <p className="note">
          {removed === 1 ? '1 citation' : `${removed} citations`} that matched no retrieved source{' '}
          {removed === 1 ? 'was' : 'were'} removed.
        </p>
      )}
      {answer.model && <p className="note muted">Answered by {answer.model}</p>}
    </div>
  );
}
