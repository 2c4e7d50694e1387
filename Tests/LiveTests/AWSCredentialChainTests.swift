import FairwayAWS
import FairwayLive
import Foundation
import Testing

/// The credential chain, one source at a time, with the environment injected and the shared files
/// in a temporary directory (never the real home): environment keys, shared credentials and config
/// files, credential_process, web identity (a scripted STS and moto_server), caching, and the errors
/// for half-configured sources, malformed files and no credentials at all.
@Suite struct AWSCredentialChainTests {
    /// An environment whose home is `directory`, plus `variables`.
    static func environment(_ directory: TemporaryDirectory, _ variables: [String: String] = [:], profile: String? = nil) -> AWSEnvironment {
        AWSEnvironment(variables: ["HOME": directory.path, "PATH": "/usr/bin:/bin"].merging(variables) { _, new in new },
                       profile: profile)
    }

    static func withDirectory<T>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try await body(directory)
    }

    @Test func environmentKeys() async throws {
        try await Self.withDirectory { directory in
            let chain = AWSCredentialChain(environment: Self.environment(directory, [
                "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
            ]))
            let credentials = try await chain.credentials()
            #expect(credentials == AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token",
                                                  source: "environment"))
            guard case .environment = try chain.source() else { Issue.record("not the environment"); return }
        }
    }

    @Test(arguments: [
        (["AWS_ACCESS_KEY_ID": "AKID"], "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
        (["AWS_SECRET_ACCESS_KEY": "s"], "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"),
        (["AWS_ROLE_ARN": "arn:aws:iam::1:role/r"], "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"),
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"], "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"),
    ])
    func halfConfiguredEnvironment(_ variables: [String: String], _ message: String) async throws {
        try await Self.withDirectory { directory in
            let error = try #require(throws: AWSError.self) { try AWSCredentialChain.source(in: Self.environment(directory, variables)) }
            #expect(error.kind == .configuration)
            #expect(error.description == message)
        }
    }

    @Test func defaultProfileFromTheSharedCredentialsFile() async throws {
        try await Self.withDirectory { directory in
            try directory.write(".aws/credentials", """
                # written by aws configure
                [default]
                aws_access_key_id = AKIDFILE
                aws_secret_access_key = file-secret

                [other]
                aws_access_key_id=AKIDOTHER
                aws_secret_access_key=other-secret
                aws_session_token=other-token
                """)
            let credentials = try await AWSCredentialChain(environment: Self.environment(directory)).credentials()
            #expect(credentials.accessKeyId == "AKIDFILE" && credentials.secretAccessKey == "file-secret")
            #expect(credentials.source == "profile default")

            let other = try await AWSCredentialChain(environment: Self.environment(directory, ["AWS_PROFILE": "other"])).credentials()
            #expect(other.accessKeyId == "AKIDOTHER" && other.sessionToken == "other-token")
        }
    }

    /// `[profile NAME]` in the config file, files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE,
    /// the credentials file winning, and the region order: explicit, AWS_REGION, AWS_DEFAULT_REGION, profile.
    @Test func configFileProfilesAndRegion() async throws {
        try await Self.withDirectory { directory in
            let config = try directory.write("elsewhere/config", """
                [default]
                region = eu-west-1

                [profile dev]
                region = us-west-2
                aws_access_key_id = AKIDCONFIG
                aws_secret_access_key = config-secret
                s3 =
                  max_concurrent_requests = 10

                [sso-session corp]
                sso_region = us-east-1
                """)
            let credentialsFile = try directory.write("elsewhere/credentials", """
                [dev]
                aws_secret_access_key = credentials-file-secret
                """)
            let files = ["AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentialsFile]
            let dev = Self.environment(directory, files, profile: "dev")
            let credentials = try await AWSCredentialChain(environment: dev).credentials()
            #expect(credentials.accessKeyId == "AKIDCONFIG")
            #expect(credentials.secretAccessKey == "credentials-file-secret")
            #expect(try dev.sharedConfig().profile("dev")?["s3.max_concurrent_requests"]?.value == "10")
            #expect(try dev.sharedConfig().profile("corp") == nil)

            #expect(try dev.region() == "us-west-2")
            #expect(try dev.region(explicit: "ap-south-1") == "ap-south-1")
            #expect(try Self.environment(directory, files.merging(["AWS_DEFAULT_REGION": "ca-central-1"]) { _, b in b }).region() == "ca-central-1")
            #expect(try Self.environment(directory, files.merging(["AWS_REGION": "sa-east-1", "AWS_DEFAULT_REGION": "x"]) { _, b in b })
                .region() == "sa-east-1")
            #expect(try Self.environment(directory, files).region() == "eu-west-1")
            #expect(try Self.environment(directory).region() == nil)
        }
    }

    @Test func anExplicitProfileSkipsTheEnvironmentKeys() async throws {
        try await Self.withDirectory { directory in
            try directory.write(".aws/credentials", "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = ci-secret\n")
            let environment = Self.environment(directory, ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"], profile: "ci")
            let credentials = try await AWSCredentialChain(environment: environment).credentials()
            #expect(credentials.accessKeyId == "AKIDCI")
        }
    }

    @Test func missingProfileAndNoCredentials() async throws {
        try await Self.withDirectory { directory in
            let missing = try #require(throws: AWSError.self) {
                try AWSCredentialChain.source(in: Self.environment(directory, ["AWS_PROFILE": "ghost"]))
            }
            #expect(missing.kind == .noCredentials)
            #expect(missing.description == "AWS profile 'ghost' not found in \(directory.path)/.aws/credentials or \(directory.path)/.aws/config")
            let none = try await #require(throws: AWSError.self) {
                try await AWSCredentialChain(environment: Self.environment(directory)).credentials()
            }
            #expect(none.kind == .noCredentials)
            #expect(none.description.hasPrefix("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"))
            #expect(none.label == "aws.no-credentials")
        }
    }

    @Test(arguments: [
        ("[default]\naws_access_key_id = AKID\nthis line is wrong\n", 3, "expected 'key = value' or '[section]'"),
        ("aws_access_key_id = AKID\n", 1, "a setting before any [section]"),
        ("[default\n", 1, "malformed section header (expected [name])"),
        ("[default]\n\n# comment\n; comment\n[broken\n", 5, "malformed section header (expected [name])"),
    ])
    func malformedFilesNameTheFileAndLine(_ text: String, _ line: Int, _ message: String) async throws {
        try await Self.withDirectory { directory in
            let path = try directory.write(".aws/credentials", text)
            let error = try #require(throws: AWSError.self) { try AWSCredentialChain.source(in: Self.environment(directory)) }
            #expect(error.kind == .configuration)
            #expect(error.description == "\(path):\(line): \(message)")
        }
    }

    @Test func profileProblemsPointAtTheSetting() async throws {
        try await Self.withDirectory { directory in
            let path = try directory.write(".aws/config", """
                [profile half]
                aws_access_key_id = AKIDHALF

                [profile chained]
                role_arn = arn:aws:iam::111122223333:role/admin
                source_profile = half

                [profile sso]
                sso_session = corp
                """)
            let cases = [("half", "\(path):2: profile 'half' has no aws_secret_access_key"),
                         ("chained", "\(path):5: profile 'chained' has role_arn without web_identity_token_file"),
                         ("sso", "\(path):9: profile 'sso' uses AWS SSO")]
            for (profile, message) in cases {
                let error = try #require(throws: AWSError.self) { try AWSCredentialChain.source(in: Self.environment(directory, profile: profile)) }
                #expect(error.description.hasPrefix(message), "\(error)")
            }
        }
    }

    /// credential_process: run through the shell, its JSON read, and run again only when its
    /// credentials are about to expire.
    @Test func credentialProcessIsRunAndCached() async throws {
        try await Self.withDirectory { directory in
            let counter = "\(directory.path)/runs"
            try directory.write(".aws/config", """
                [default]
                credential_process = echo run >> \(counter); printf '%s' '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token", "Expiration": "2030-01-01T01:00:00Z"}'
                """)
            let clock = TestClock(AWSTime.parseISO8601("2030-01-01T00:00:00Z")!)
            let chain = AWSCredentialChain(environment: Self.environment(directory), clock: clock.clock)
            let first = try await chain.credentials()
            #expect(first.accessKeyId == "AKIDPROC" && first.sessionToken == "proc-token")
            #expect(first.expiration == AWSTime.parseISO8601("2030-01-01T01:00:00Z"))
            #expect(first.source == "credential_process (profile default)")
            _ = try await chain.credentials()
            #expect(try String(contentsOfFile: counter, encoding: .utf8) == "run\n")
            clock.advance(56 * 60)  // within five minutes of expiry
            _ = try await chain.credentials()
            #expect(try String(contentsOfFile: counter, encoding: .utf8) == "run\nrun\n")
        }
    }

    @Test func aFailingCredentialProcessSaysWhyWithoutItsOutput() async throws {
        try await Self.withDirectory { directory in
            let path = try directory.write(".aws/config", """
                [default]
                credential_process = echo '{"SecretAccessKey": "printed-secret"}'; echo "token expired" >&2; exit 3
                """)
            let error = try await #require(throws: AWSError.self) { try await AWSCredentialChain(environment: Self.environment(directory)).credentials() }
            #expect(error.kind == .credentialProcess)
            #expect(error.description == "\(path):2: credential_process of profile 'default' failed: it exited with status 3: token expired")
            #expect(!error.description.contains("printed-secret"))
        }
    }

    /// Web identity against a scripted STS: the form sent, the answer read, the credentials cached
    /// until shortly before they expire, and the token file read again for the next exchange.
    @Test func webIdentityIsExchangedAndCached() async throws {
        try await Self.withDirectory { directory in
            let tokenFile = try directory.write("token", "eyJhbGciOiJSUzI1NiJ9.first-token.sig\n")
            let log = "\(directory.path)/requests"
            let answer = stsAnswer(accessKeyId: "ASIAWEBIDENTITY", secret: "sts-secret", token: "sts-session-token",
                                   expiration: "2030-01-01T01:00:00Z")
            _ = try await PythonServer.withResponder([["status": 200, "headers": ["Content-Type": "text/xml"], "body": .string(answer)]],
                                                     log: log) { sts in
                let environment = Self.environment(directory, [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/fairway",
                    "AWS_ROLE_SESSION_NAME": "fairway-test", "AWS_ENDPOINT_URL_STS": sts.url.description,
                    "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_REGION": "eu-central-1",
                ])
                let clock = TestClock(AWSTime.parseISO8601("2030-01-01T00:00:00Z")!)
                let chain = AWSCredentialChain(environment: environment, clock: clock.clock)
                let credentials = try await chain.credentials()
                #expect(credentials.accessKeyId == "ASIAWEBIDENTITY" && credentials.secretAccessKey == "sts-secret")
                #expect(credentials.sessionToken == "sts-session-token")
                #expect(credentials.expiration == AWSTime.parseISO8601("2030-01-01T01:00:00Z"))
                #expect(credentials.source == "web-identity (environment)")
                _ = try await chain.credentials()
                #expect(try String(contentsOfFile: log, encoding: .utf8) == "POST /\n")
                clock.advance(58 * 60)
                _ = try await chain.credentials()
                #expect(try String(contentsOfFile: log, encoding: .utf8) == "POST /\nPOST /\n")
            }
        }
    }

    /// The whole IRSA round trip against moto_server's STS, from the environment and from a profile.
    @Test func webIdentityRoundTripWithMoto() async throws {
        try await Self.withDirectory { directory in
            let tokenFile = try directory.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZmFpcndheSJ9.c2ln")
            try directory.write(".aws/config", """
                [profile irsa]
                role_arn = arn:aws:iam::123456789012:role/from-profile
                web_identity_token_file = \(tokenFile)
                role_session_name = profile-session
                """)
            _ = try await PythonServer.withMoto { moto in
                let fromEnvironment = Self.environment(directory, [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/fairway",
                    "AWS_ENDPOINT_URL": moto.url.description, "AWS_REGION": "us-east-1",
                ])
                let credentials = try await AWSCredentialChain(environment: fromEnvironment).credentials()
                #expect(credentials.accessKeyId.hasPrefix("ASIA"))
                #expect(credentials.secretAccessKey.count >= 20)
                #expect(credentials.sessionToken?.isEmpty == false)
                #expect(credentials.expiration.map { $0 > Date() } == true)

                let fromProfile = Self.environment(directory, ["AWS_ENDPOINT_URL_STS": moto.url.description], profile: "irsa")
                guard case let .webIdentity(identity) = try AWSCredentialChain.source(in: fromProfile) else {
                    Issue.record("the profile is not web identity")
                    return
                }
                #expect(identity.sessionName == "profile-session" && identity.origin == "profile irsa")
                let viaProfile = try await AWSCredentialChain(environment: fromProfile).credentials()
                #expect(viaProfile.accessKeyId.hasPrefix("ASIA"))
                #expect(viaProfile.source == "web-identity (profile irsa)")
            }
        }
    }

    @Test func aMissingTokenFileIsNamed() async throws {
        try await Self.withDirectory { directory in
            let environment = Self.environment(directory, [
                "AWS_WEB_IDENTITY_TOKEN_FILE": "\(directory.path)/absent", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
                "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1",
            ])
            let error = try await #require(throws: AWSError.self) { try await AWSCredentialChain(environment: environment).credentials() }
            #expect(error.kind == .configuration)
            #expect(error.description.hasPrefix("\(directory.path)/absent: cannot read the web identity token (environment)"))
        }
    }

    @Test func endpoints() throws {
        let environment = AWSEnvironment(variables: ["AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:5000"])
        #expect(try environment.endpoint(service: "sts", region: "us-east-1").description == "http://127.0.0.1:5000/")
        #expect(try environment.endpoint(service: "eks", region: "us-east-1").description == "http://localhost:4566/")
        #expect(try environment.endpoint(service: "eks", region: "us-east-1", explicit: "https://eks.example").description == "https://eks.example/")
        let plain = AWSEnvironment(variables: [:])
        #expect(try plain.endpoint(service: "eks", region: "eu-west-1").description == "https://eks.eu-west-1.amazonaws.com/")
        #expect(try plain.endpoint(service: "sts", region: "cn-north-1").description == "https://sts.cn-north-1.amazonaws.com.cn/")
        #expect(try plain.endpoint(service: "sts", region: nil).description == "https://sts.amazonaws.com/")
        #expect(throws: AWSError.self) { try plain.endpoint(service: "eks", region: nil) }
        #expect(throws: AWSError.self) { try AWSEnvironment(variables: ["AWS_ENDPOINT_URL_EKS": "not a url"]).endpoint(service: "eks", region: "x") }
    }
}
