import { useState, type ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { ErrorNote } from './ErrorNote';

/**
 * A button that asks before acting. The dialog stays open on failure and shows the API's
 * message right there, next to the action.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  className?: string;
  ariaLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <DialogTrigger
      isOpen={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setError(null);
      }}
    >
      <Button className={props.className ?? `button ${props.danger ? 'danger' : 'secondary'}`} aria-label={props.ariaLabel}>
        {props.label}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            <Heading slot="title">{props.title}</Heading>
            <div className="dialog-body">{props.children}</div>
            <ErrorNote error={error} />
            <div className="dialog-actions">
              <Button className="button secondary" slot="close">
                Cancel
              </Button>
              <Button className={`button ${props.danger ? 'danger' : 'primary'}`} onPress={() => void confirm()} isDisabled={busy}>
                {busy ? 'Working…' : (props.confirmLabel ?? props.label)}
              </Button>
            </div>
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
