import Foundation
import Logging

/// Where credentials come from, in the order the chain looks:
/// 1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) in the environment;
/// 2. AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME): web identity, as IRSA sets it up;
/// 3. the profile (explicit, else AWS_PROFILE, else `default`) in the shared credentials and config files:
///    keys, `role_arn` + `web_identity_token_file`, or `credential_process`.
/// An explicitly chosen profile skips 1 and 2, as the AWS CLI's `--profile` does.
public enum AWSCredentialSource: Sendable, Equatable {
    case environment(AWSCredentials)
    case webIdentity(AWSWebIdentity)
    case profile(name: String, AWSCredentials)
    case process(AWSCredentialProcess)
}

/// The default credential provider: finds the source (`AWSCredentialSource`), loads credentials from
/// it, and caches them; temporary ones are reloaded a few minutes before they expire. Logs which
/// source it used and the masked key id at debug level, never a secret.
public final class AWSCredentialChain: AWSCredentialsProvider {
    public let environment: AWSEnvironment
    private let cache: AWSRefreshingCache<AWSCredentials>

    /// - Parameters:
    ///   - transport: sends STS requests for web identity; nil uses a short-lived transport per exchange.
    ///   - refreshMargin: how long before expiry temporary credentials are reloaded.
    public init(environment: AWSEnvironment = AWSEnvironment(), transport: AWSTransport? = nil,
                logger: Logger = AWSTransport.silentLogger, clock: @escaping AWSTime.Clock = AWSTime.systemClock,
                refreshMargin: TimeInterval = 300) {
        self.environment = environment
        let load = Self.loader(environment: environment, transport: transport, logger: logger)
        cache = AWSRefreshingCache(margin: refreshMargin, clock: clock, expiry: { $0.expiration }, load: load)
    }

    public func credentials() async throws(AWSError) -> AWSCredentials {
        try await cache.value()
    }

    /// Drops cached credentials (after AWS rejected them, say).
    public func invalidate() async { await cache.invalidate() }

    /// The source the chain would use now, without loading anything from the network.
    public func source() throws(AWSError) -> AWSCredentialSource {
        try Self.source(in: environment)
    }

    private static func loader(environment: AWSEnvironment, transport: AWSTransport?,
                               logger: Logger) -> @Sendable () async throws(AWSError) -> AWSCredentials {
        return { () async throws(AWSError) -> AWSCredentials in
            let credentials: AWSCredentials
            switch try source(in: environment) {
            case let .environment(found), let .profile(_, found):
                credentials = found
            case let .webIdentity(identity):
                let endpoint = try environment.endpoint(service: "sts", region: try environment.region())
                if let transport {
                    credentials = try await identity.assumeRole(endpoint: endpoint, transport: transport)
                } else {
                    credentials = try await AWSTransport.with(logger: logger) { transport throws(AWSError) in
                        try await identity.assumeRole(endpoint: endpoint, transport: transport)
                    }
                }
            case let .process(process):
                credentials = try await process.run(environment: environment.variables)
            }
            var metadata: Logger.Metadata = ["aws.credentials.source": .string(credentials.source),
                                             "aws.credentials.access_key_id": .string(credentials.maskedAccessKeyId)]
            if let expiration = credentials.expiration { metadata["aws.credentials.expiration"] = .string(AWSTime.iso8601(expiration)) }
            logger.debug("aws credentials loaded", metadata: metadata)
            return credentials
        }
    }

    /// Finds the source of credentials in `environment`; throws when a source is set up halfway, a
    /// file is malformed, or there is none.
    public static func source(in environment: AWSEnvironment) throws(AWSError) -> AWSCredentialSource {
        if environment.explicitProfile == nil {
            if let found = try fromEnvironmentKeys(environment) { return .environment(found) }
            if let identity = try fromEnvironmentWebIdentity(environment) { return .webIdentity(identity) }
        }
        let config = try environment.sharedConfig()
        let name = environment.profileName
        if let profile = config.profile(name), let source = try fromProfile(name, profile) { return source }
        if environment.profileWasChosen {
            let found = config.profile(name) != nil
            throw AWSError(found ? .configuration : .noCredentials,
                           found ? "AWS profile '\(name)' has no credentials (aws_access_key_id, role_arn with web_identity_token_file, or credential_process)"
                               : "AWS profile '\(name)' not found in \(config.credentialsPath) or \(config.configPath)")
        }
        throw AWSError(.noCredentials, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            + "or AWS_PROFILE naming a profile in \(config.credentialsPath) or \(config.configPath), "
            + "or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (IRSA)")
    }

    private static func fromEnvironmentKeys(_ environment: AWSEnvironment) throws(AWSError) -> AWSCredentials? {
        guard let (key, secret) = try both("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", in: environment) else { return nil }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"],
                              source: "environment")
    }

    private static func fromEnvironmentWebIdentity(_ environment: AWSEnvironment) throws(AWSError) -> AWSWebIdentity? {
        guard let (file, role) = try both("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", in: environment) else { return nil }
        return AWSWebIdentity(roleArn: role, tokenFile: file, sessionName: environment["AWS_ROLE_SESSION_NAME"], origin: "environment")
    }

    /// Two variables that only work together: both values, nil when neither is set, an error naming
    /// the missing one when only one is.
    private static func both(_ first: String, _ second: String,
                             in environment: AWSEnvironment) throws(AWSError) -> (String, String)? {
        switch (environment[first], environment[second]) {
        case (nil, nil): return nil
        case let (a?, b?): return (a, b)
        case (nil, _): throw AWSError(.configuration, "\(second) is set but \(first) is not")
        case (_, nil): throw AWSError(.configuration, "\(first) is set but \(second) is not")
        }
    }

    private static func fromProfile(_ name: String, _ profile: AWSSharedConfig.Profile) throws(AWSError) -> AWSCredentialSource? {
        let key = profile["aws_access_key_id"], secret = profile["aws_secret_access_key"]
        if let key, let secret {
            return .profile(name: name, AWSCredentials(accessKeyId: key.value, secretAccessKey: secret.value,
                                                       sessionToken: profile["aws_session_token"]?.value,
                                                       source: "profile \(name)"))
        }
        if let half = key ?? secret {
            let missing = key == nil ? "aws_access_key_id" : "aws_secret_access_key"
            throw AWSError(.configuration, "profile '\(name)' has no \(missing)", path: half.path, line: half.line)
        }
        if let role = profile["role_arn"] {
            if let file = profile["web_identity_token_file"] {
                return .webIdentity(AWSWebIdentity(roleArn: role.value, tokenFile: file.value,
                                                   sessionName: profile["role_session_name"]?.value, origin: "profile \(name)"))
            }
            throw AWSError(.configuration, "profile '\(name)' has role_arn without web_identity_token_file; Fairway does not "
                + "support source_profile or credential_source: use web identity or credential_process", path: role.path,
                line: role.line)
        }
        if let process = profile["credential_process"] {
            return .process(AWSCredentialProcess(command: process.value, profile: name, path: process.path, line: process.line))
        }
        if let sso = profile["sso_session"] ?? profile["sso_start_url"] {
            throw AWSError(.configuration, "profile '\(name)' uses AWS SSO, which Fairway does not support: "
                + "give Fairway a profile whose credential_process runs `aws configure export-credentials --profile \(name) --format process`",
                path: sso.path, line: sso.line)
        }
        return nil
    }
}
