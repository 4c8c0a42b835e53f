import { useState, type DragEvent } from 'react';

/**
 * A file drop zone that is also a file picker: a <label> around a real file input, so it works
 * with drag and drop, with the keyboard (the input is focusable), and with screen readers.
 */
export function DropZone({ label, hint, accept, file, onFile }: { label: string; hint: string; accept?: string; file: File | null; onFile: (file: File) => void }) {
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files?.[0];
    if (dropped) onFile(dropped);
  };
  return (
    <label
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <span className="dropzone-title">{label}</span>
      <span className="muted">{file ? `${file.name} (${file.size.toLocaleString()} bytes)` : hint}</span>
      <input
        className="visually-hidden-input"
        type="file"
        accept={accept}
        onChange={(event) => {
          const picked = event.target.files?.[0];
          if (picked) onFile(picked);
        }}
      />
    </label>
  );
}
