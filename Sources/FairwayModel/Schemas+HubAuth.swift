extension KindSchemas {
    /// `addons.jupyterhub.auth`: how users sign in to JupyterHub. Each OAuth type has the settings
    /// its provider needs; client credentials only ever come from `secretRef`.
    static let hubAuth = ObjectSchema("How users sign in.", [
        Field("type", .enumeration(["dummy", "native", "github", "cognito", "generic-oauth"]), required: true,
              "Authenticator: `cognito` (Amazon Cognito hosted UI), `github`, `generic-oauth` (any OAuth 2 / OpenID Connect provider), `native` (sign-up on the hub, approved by an admin) or `dummy` (any password: demos only)."),
        Field("adminGroups", .list(.string(.nonEmpty)), "Identity-provider groups whose members are hub admins."),
        Field("adminUsers", .list(.text), "Users who are hub admins (with `native`, the users who approve sign-ups)."),
        Field("secretRef", .object(ObjectSchema("An existing Secret with the OAuth client credentials.", [
            Field("name", .dnsLabel, required: true, "Secret name in the hub's namespace, with keys `client_id` and `client_secret`."),
        ])), "Credentials stay in the cluster, never in Git. Required for the OAuth types."),
        Field("callbackUrl", .text, "OAuth callback URL registered with the provider; default `https://<ingress.host>/hub/oauth_callback`."),
        Field("cognito", .object(ObjectSchema("Amazon Cognito.", [
            Field("domain", .string(.dnsSubdomain), required: true,
                  "Hosted-UI domain: a custom domain (`auth.example.com`) or the prefix of `<prefix>.auth.<region>.amazoncognito.com`."),
            Field("region", .string(.awsRegion), "Region of the user pool; default `aws.region`."),
            Field("userPoolId", .string(.cognitoUserPoolId), "User pool id (`us-east-1_AbCdEf123`), shown to admins and used for sign-out."),
            Field("usernameClaim", .string(.nonEmpty), "ID-token claim used as the JupyterHub user name; default `email`."),
            Field("groupsClaim", .string(.nonEmpty), "ID-token claim listing the user's groups; default `cognito:groups`."),
        ])), "Settings for `cognito`; required with it."),
        Field("github", .object(ObjectSchema("GitHub.", [
            Field("organizations", .list(.text),
                  "Organizations (or `org:team`) whose members may sign in besides the tenants' users; their teams become groups."),
        ])), "Settings for `github`."),
        Field("oauth", .object(ObjectSchema("A generic OAuth 2 / OpenID Connect provider.", [
            Field("authorizeUrl", .text, required: true, "Authorization endpoint."),
            Field("tokenUrl", .text, required: true, "Token endpoint."),
            Field("userdataUrl", .text, required: true, "User-info endpoint."),
            Field("usernameClaim", .string(.nonEmpty), "User-info claim used as the user name; default `preferred_username`."),
            Field("groupsClaim", .string(.nonEmpty), "User-info claim listing the user's groups; default `groups`."),
            Field("scopes", .list(.text), "Scopes requested; default `openid`, `profile`, `email`."),
        ])), "Settings for `generic-oauth`; required with it."),
        Field("native", .object(ObjectSchema("JupyterHub's NativeAuthenticator.", [
            Field("openSignup", .boolean, "True: new accounts are usable at once; default false, an admin approves each sign-up."),
            Field("minimumPasswordLength", .integer(min: 8, max: 128), "Shortest password accepted; default 12."),
        ])), "Settings for `native`."),
    ])
}
