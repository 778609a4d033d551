import { useState, type ReactNode } from 'react';

/** Copies `text` to the clipboard and says so (or says to select the text when the browser refuses). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }): ReactNode {
  const [note, setNote] = useState('');
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(
      () => setNote('Copied'),
      () => setNote('Copy is blocked here; select the text instead'),
    );
  };
  return (
    <span className="copy">
      <button type="button" className="secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-note">
        {note}
      </span>
    </span>
  );
}

/** A block of text to copy: the text itself, selectable, and its copy button. */
export function CopyBlock({ text, label }: { text: string; label: string }): ReactNode {
  return (
    <div className="copy-block">
      <pre tabIndex={0} aria-label={label}>
        {text}
      </pre>
      <CopyButton text={text} label={`Copy ${label.toLowerCase()}`} />
    </div>
  );
}
