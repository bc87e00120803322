import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Lets files be dropped onto an element: while files are dragged over it, {@link active} is true
 * (the host shows a drop indication); a drop hands the files to `onFiles`. Drags of anything but
 * files, and drags while `enabled()` is false, are left to the browser.
 *
 * @example
 * private drop = new AttachmentDropController(this, () => this.open, (files) => this.input?.addFiles(files));
 * render() { return html`<div class="drop-zone" ?hidden=${!this.drop.active}>…</div>`; }
 */
export class AttachmentDropController implements ReactiveController {
  /** True while files are dragged over the host. */
  active = false;
  /** dragenter/dragleave fire for every child crossed; count them to know when the drag left. */
  private depth = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly enabled: () => boolean,
    private readonly onFiles: (files: File[]) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    for (const type of ['dragenter', 'dragover', 'dragleave', 'drop'] as const) this.host.addEventListener(type, this.handle);
  }

  hostDisconnected(): void {
    for (const type of ['dragenter', 'dragover', 'dragleave', 'drop'] as const) this.host.removeEventListener(type, this.handle);
    this.set(false);
  }

  private readonly handle = (e: DragEvent): void => {
    if (!e.dataTransfer?.types.includes('Files') || !this.enabled()) {
      this.set(false);
      return;
    }
    e.preventDefault();
    switch (e.type) {
      case 'dragenter':
        this.depth++;
        this.set(true);
        break;
      case 'dragover':
        e.dataTransfer.dropEffect = 'copy';
        this.set(true);
        break;
      case 'dragleave':
        this.depth = Math.max(0, this.depth - 1);
        if (this.depth === 0) this.set(false);
        break;
      case 'drop':
        this.set(false);
        this.onFiles([...e.dataTransfer.files]);
        break;
    }
  };

  private set(active: boolean): void {
    if (!active) this.depth = 0;
    if (active === this.active) return;
    this.active = active;
    this.host.requestUpdate();
  }
}
