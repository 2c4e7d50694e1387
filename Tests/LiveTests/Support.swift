import Foundation

/// Paths shared by the live-client tests.
enum LivePaths {
    /// The package root (Tests/LiveTests/ is two levels below it).
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}
