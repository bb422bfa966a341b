import { open } from 'node:fs/promises';
import { ValidationError } from '../../core/errors/index.ts';

/** An architecture diagram ready to send to a vision-capable model. */
export interface Diagram {
  bytes: Uint8Array;
  mediaType: 'image/png' | 'image/jpeg';
}

/** Vision APIs take a few MB per image (Bedrock: 3.75 MB); a diagram is far smaller. */
export const maxDiagramBytes = 3_750_000;

/**
 * Reads a PNG or JPEG diagram, recognised by its first bytes rather than its name. A missing or unreadable
 * file, another format, an empty file or one over {@link maxDiagramBytes} is a `ValidationError` that says
 * what to pass instead.
 */
export async function readDiagram(file: string): Promise<Diagram> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new ValidationError(
      `Cannot read the diagram ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      {
        hint: 'Pass the path of a PNG or JPEG image with --diagram.',
      },
    );
  }
  try {
    const { size } = await handle.stat();
    if (size > maxDiagramBytes)
      throw new ValidationError(`The diagram ${file} is ${size} bytes; the limit is ${maxDiagramBytes}.`, {
        hint: 'Export the diagram at a smaller size (1,000–2,000 pixels wide is plenty).',
      });
    const bytes = new Uint8Array(size);
    await handle.read(bytes, 0, size, 0);
    return { bytes, mediaType: imageType(file, bytes) };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(
      `Cannot read the diagram ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      {
        hint: 'Pass the path of a PNG or JPEG image with --diagram.',
      },
    );
  } finally {
    await handle.close();
  }
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function imageType(file: string, bytes: Uint8Array): Diagram['mediaType'] {
  if (pngSignature.every((byte, index) => bytes[index] === byte)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  throw new ValidationError(
    `The diagram ${file} is not a PNG or JPEG image${bytes.length === 0 ? ' (it is empty)' : ''}.`,
    {
      hint: 'Export the diagram as PNG or JPEG (draw.io, Lucidchart and the AWS console all can).',
    },
  );
}
