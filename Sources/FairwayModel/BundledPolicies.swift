/// The default policies Fairway ships (the repository's `policies/` folder, embedded in the binary
/// by `scripts/generate-embedded.py`). A platform repository's `policies/` overrides them by kind and name.
public enum BundledPolicies {
    /// Prefix of bundled file paths in diagnostics, so they are not confused with repository files.
    public static let prefix = "<fairway>/"
}
