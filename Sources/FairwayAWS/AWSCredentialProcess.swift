import FairwayCore
import Foundation

/// A profile's `credential_process`: a command, run with `/bin/sh -c`, that prints credentials as
/// JSON (`{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}`).
/// Its standard output is never quoted in errors; a short piece of its standard error may be.
public struct AWSCredentialProcess: Sendable, Equatable {
    public var command: String
    public var profile: String
    /// Where the setting is written, for errors.
    public var path: String?
    public var line: Int?

    public init(command: String, profile: String, path: String? = nil, line: Int? = nil) {
        self.command = command
        self.profile = profile
        self.path = path
        self.line = line
    }

    /// Seconds the command may take.
    public static let timeout = 60.0

    public func run(environment: [String: String]) async throws(AWSError) -> AWSCredentials {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run("/bin/sh", ["-c", command], environment: environment, timeout: Self.timeout)
        } catch {
            throw failure("cannot start it: \(error.reason)")
        }
        if outcome.timedOut { throw failure("it did not finish within \(Int(Self.timeout)) s") }
        guard outcome.status == 0 else {
            let stderr = outcome.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw failure("it exited with status \(outcome.status)\(stderr.isEmpty ? "" : ": \(stderr.prefix(200))")")
        }
        guard let json = try? JSONReader.parse(outcome.stdout) else { throw failure("its output is not JSON") }
        if let version = json["Version"], version != 1 { throw failure("its output has Version \(version), not 1") }
        guard let accessKeyId = json["AccessKeyId"]?.stringValue, !accessKeyId.isEmpty,
              let secret = json["SecretAccessKey"]?.stringValue, !secret.isEmpty
        else { throw failure("its output has no AccessKeyId and SecretAccessKey") }
        var expiration: Date?
        if let text = json["Expiration"]?.stringValue {
            guard let date = AWSTime.parseISO8601(text) else { throw failure("its Expiration is not an ISO 8601 time") }
            expiration = date
        }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: json["SessionToken"]?.stringValue,
                              expiration: expiration, source: "credential_process (profile \(profile))")
    }

    private func failure(_ why: String) -> AWSError {
        AWSError(.credentialProcess, "credential_process of profile '\(profile)' failed: \(why)", path: path, line: line)
    }
}
