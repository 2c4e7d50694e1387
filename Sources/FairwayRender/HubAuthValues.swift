import FairwayCore
import FairwayModel

/// How users sign in to JupyterHub, as the chart's `hub.config` (traitlets configuration) and, for
/// what YAML cannot say, a small piece of hub Python. Each type gets every setting its provider
/// needs (OAuthenticator 17, NativeAuthenticator 1.3):
///
/// - `cognito`: GenericOAuthenticator on the user pool's hosted UI (`/oauth2/authorize`,
///   `/oauth2/token`); user and groups come from the ID token (Cognito's userInfo endpoint does not
///   carry `cognito:groups`); the user name from `usernameClaim` (default `email`).
/// - `generic-oauth`: GenericOAuthenticator with the three URLs given.
/// - `github`: GitHubOAuthenticator; `org:team` memberships become the user's groups.
/// - `native`: NativeAuthenticator, sign-up on the hub, each account approved by an admin unless
///   `openSignup`; every approved user may sign in, what they may start is decided per tenant.
/// - `dummy`: any password (demos only).
///
/// Only tenant members and admins may sign in through an OAuth provider (`allowed_users`,
/// `allowed_groups`); client credentials are read from the Secret in `secretRef` as environment
/// variables and never written here.
struct HubAuthValues {
    let platform: Platform
    let auth: ClusterSpec.JupyterHub.Auth
    let ingress: ClusterSpec.JupyterHub.Ingress?

    static let defaultScopes = ["openid", "profile", "email"]

    /// The callback URL registered with the provider, when it can be known.
    var callbackURL: String? {
        auth.callbackUrl ?? ingress.map { "https://\($0.host)/hub/oauth_callback" }
    }

    /// The Cognito hosted UI's base URL.
    var cognitoBase: String? {
        guard let cognito = auth.cognito else { return nil }
        let region = cognito.region ?? platform.cluster?.spec.aws.region ?? "us-east-1"
        let host = cognito.domain.contains(".") ? cognito.domain : "\(cognito.domain).auth.\(region).amazoncognito.com"
        return "https://\(host)"
    }

    func apply(to hub: inout JSONObject) {
        var config = JSONObject()
        switch auth.type {
        case "dummy":
            config["JupyterHub"] = ["authenticator_class": "dummy"]
        case "native":
            config["JupyterHub"] = ["authenticator_class": "native"]
            config["NativeAuthenticator"] = [
                "open_signup": .bool(auth.native?.openSignup ?? false),
                "minimum_password_length": .int(Int64(auth.native?.minimumPasswordLength ?? 12)),
                "check_common_password": true,
                "allowed_failed_logins": 5,
                "seconds_before_next_try": 600,
            ]
            // Approval by an admin is the gate; what a user may start is decided per tenant.
            config["Authenticator"] = authenticatorBase(allowAll: true)
        case "github":
            config["JupyterHub"] = ["authenticator_class": "github"]
            var settings = oauthSettings(groupsKey: nil)
            settings["scope"] = ["read:user", "read:org"]
            settings["populate_teams_in_auth_state"] = true
            settings["manage_groups"] = true
            if let organizations = auth.github?.organizations, !organizations.isEmpty {
                settings["allowed_organizations"] = .array(organizations.map(JSONValue.string))
            }
            config["GitHubOAuthenticator"] = .object(settings)
            config["Authenticator"] = authenticatorBase(allowAll: false)
            var extra = hub["extraConfig"]?.objectValue ?? JSONObject()
            extra["fairway-github-teams"] = .string(Self.githubTeamsPython)
            hub["extraConfig"] = .object(extra)
        default:
            config["JupyterHub"] = ["authenticator_class": "generic-oauth"]
            config["GenericOAuthenticator"] = .object(genericSettings)
            config["Authenticator"] = authenticatorBase(allowAll: false)
        }
        hub["config"] = .object(config)
        if let secret = auth.secretRef?.name, auth.type != "dummy", auth.type != "native" {
            func fromSecret(_ key: String) -> JSONValue { ["valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key)]]] }
            hub["extraEnv"] = ["OAUTH_CLIENT_ID": fromSecret("client_id"), "OAUTH_CLIENT_SECRET": fromSecret("client_secret")]
        }
    }

    private var genericSettings: JSONObject {
        var settings: JSONObject
        if auth.type == "cognito", let base = cognitoBase {
            settings = oauthSettings(groupsKey: "oauth_user.\(auth.cognito?.groupsClaim ?? "cognito:groups")")
            settings["authorize_url"] = .string("\(base)/oauth2/authorize")
            settings["token_url"] = .string("\(base)/oauth2/token")
            settings["userdata_from_id_token"] = true
            settings["username_claim"] = .string(auth.cognito?.usernameClaim ?? "email")
            settings["scope"] = .array(Self.defaultScopes.map(JSONValue.string))
            settings["login_service"] = "Amazon Cognito"
        } else {
            let oauth = auth.oauth
            settings = oauthSettings(groupsKey: "oauth_user.\(oauth?.groupsClaim ?? "groups")")
            if let oauth {
                settings["authorize_url"] = .string(oauth.authorizeUrl)
                settings["token_url"] = .string(oauth.tokenUrl)
                settings["userdata_url"] = .string(oauth.userdataUrl)
            }
            settings["username_claim"] = .string(oauth?.usernameClaim ?? "preferred_username")
            settings["scope"] = .array((oauth?.scopes ?? Self.defaultScopes).map(JSONValue.string))
        }
        return settings
    }

    private func oauthSettings(groupsKey: String?) -> JSONObject {
        var settings = JSONObject()
        if let groupsKey {
            settings["manage_groups"] = true
            settings["auth_state_groups_key"] = .string(groupsKey)
        }
        if let url = callbackURL { settings["oauth_callback_url"] = .string(url) }
        if let admins = auth.adminGroups, !admins.isEmpty { settings["admin_groups"] = .array(admins.map(JSONValue.string)) }
        // Only tenant members (and admins) may sign in; what each may start is decided per tenant.
        let groups = Set(platform.tenants.flatMap(\.spec.notebookGroups)).union(auth.adminGroups ?? [])
        if !groups.isEmpty { settings["allowed_groups"] = .array(groups.sorted().map(JSONValue.string)) }
        return settings
    }

    private func authenticatorBase(allowAll: Bool) -> JSONValue {
        var settings = JSONObject()
        if allowAll { settings["allow_all"] = true }
        let users = Set(platform.tenants.flatMap(\.spec.notebookUsers))
        if !allowAll, !users.isEmpty { settings["allowed_users"] = .array(users.sorted().map(JSONValue.string)) }
        if let admins = auth.adminUsers, !admins.isEmpty { settings["admin_users"] = .array(admins.sorted().map(JSONValue.string)) }
        return .object(settings)
    }

    /// GitHub reports teams as objects; the tenants name them `org:team`, as `allowed_organizations` does.
    static let githubTeamsPython = """
    # Rendered by Fairway: a GitHub user's teams become JupyterHub groups named `org:team`.
    def _fairway_github_teams(auth_state):
        return [f"{team['organization']['login']}:{team['slug']}" for team in (auth_state or {}).get("teams", [])]


    c.GitHubOAuthenticator.auth_state_groups_key = _fairway_github_teams

    """
}
