/** Props of {@link Messages}. */
export interface MessagesProps {
  error: string | undefined;
  notice: string | undefined;
  /** Extra class for both paragraphs (forms add `form-message`). */
  className?: string;
}

/** An error (announced as an alert) and a notice (a polite status), each shown only when set. */
export function Messages({ error, notice, className }: MessagesProps) {
  const extra = className ? ` ${className}` : '';
  return (
    <>
      {error && (
        <p className={`alert${extra}`} role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className={`notice${extra}`} role="status">
          {notice}
        </p>
      )}
    </>
  );
}
