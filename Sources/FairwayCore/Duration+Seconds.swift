extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    /// The duration in Go's syntax, whole seconds rounded up (`300s`): helm's `--timeout`, and messages.
    public var goSeconds: String { "\(Int(seconds.rounded(.up)))s" }
}
