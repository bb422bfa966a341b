import { stat } from 'node:fs/promises';
import { ValidationError } from '../../core/errors/index.ts';
import { beirLayoutHint, type DatasetFiles } from './dataset-files.ts';
import { openFolderDatasetFiles } from './folder-dataset-files.ts';
import { openZipDatasetFiles } from './zip-dataset-files.ts';

/**
 * Opens a dataset folder or zip archive. Throws a `ValidationError` when nothing is at `location`, or
 * when it is a file that is not a zip archive.
 */
export async function openDatasetFiles(location: string): Promise<DatasetFiles> {
  const found = await stat(location).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
      throw new ValidationError(`There is no dataset at ${location}: no such file or folder.`, {
        hint: beirLayoutHint,
      });
    }
    throw new ValidationError(`Cannot read the dataset at ${location}: ${error.message}`, {
      hint: 'Check the path and its permissions.',
      cause: error,
    });
  });
  if (found.isDirectory()) return openFolderDatasetFiles(location);
  if (found.isFile()) return openZipDatasetFiles(location);
  throw new ValidationError(`The dataset at ${location} is neither a folder nor a zip archive.`, {
    hint: beirLayoutHint,
  });
}
