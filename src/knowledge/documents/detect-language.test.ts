import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language.ts';

describe('detectLanguage', () => {
  it.each([
    ['src/index.ts', 'typescript'],
    ['src/App.tsx', 'typescript'],
    ['types/index.d.ts', 'typescript'],
    ['lib/cli.mjs', 'javascript'],
    ['setup.py', 'python'],
    ['cmd/main.go', 'go'],
    ['Main.java', 'java'],
    ['build.gradle.kts', 'kotlin'],
    ['src/lib.rs', 'rust'],
    ['app.rb', 'ruby'],
    ['index.php', 'php'],
    ['vec.c', 'c'],
    ['vec.h', 'c'],
    ['vec.hpp', 'cpp'],
    ['Program.cs', 'csharp'],
    ['View.swift', 'swift'],
    ['Main.scala', 'scala'],
    ['install.sh', 'shell'],
    ['schema.sql', 'sql'],
    ['.github/workflows/ci.yml', 'yaml'],
    ['package.json', 'json'],
    ['pyproject.toml', 'toml'],
    ['docs/README.md', 'markdown'],
    ['docs/index.HTML', 'html'],
    ['notes.txt', 'text'],
    ['README', 'text'],
    ['LICENSE', 'text'],
    ['paper.pdf', 'pdf'],
    ['style.css', 'css'],
    ['api.proto', 'proto'],
    ['index.rst', 'rst'],
    ['paper.tex', 'latex'],
    ['Dockerfile', 'dockerfile'],
    ['docker/Dockerfile.dev', 'dockerfile'],
    ['Makefile', 'makefile'],
    ['pom.xml', 'xml'],
    ['CMakeLists.txt', 'cmake'],
    ['Gemfile', 'ruby'],
    ['Token.sol', 'solidity'],
  ])('%s is %s', (path, language) => {
    expect(detectLanguage(path)).toBe(language);
  });

  it.each(['data.unknownext', 'bin/tool', '.env', 'archive.tar.gz', 'photo.png'])(
    'does not know %s',
    (path) => {
      expect(detectLanguage(path)).toBeUndefined();
    },
  );

  it('looks only at the last path segment', () => {
    expect(detectLanguage('my.project/README')).toBe('text');
    expect(detectLanguage('docs.md/file')).toBeUndefined();
  });
});
