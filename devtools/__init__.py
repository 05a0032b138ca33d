"""Development tooling shared by tests, scripts and benchmarks (not part of the crawler).

- `warc`: the one WARC writer (response and warcinfo records);
- `mocksite`: the imitated wire sites as data (manifests and fixture pages);
- `warcgen`: N invented article pages in the mock sites' markup, for benchmarks;
- `demo_warc`: the bundled demo archive, built from the mock sites;
- `dedup_corpus`: the near-duplicate accuracy corpus.

Run its command-line modules from the project root: `python -m devtools.warcgen ...`.
"""
