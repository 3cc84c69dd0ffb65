//! Pre-rendered manifests (`--manifests`): `# Source:` comments mapped back to chart files.
