// A real OpenID Connect provider on localhost for the browser tests (node provider.mjs PORT CLIENT_SECRET
// REDIRECT_URI). Its development sign-in form accepts any login name, which becomes the account's email,
// verified unless the name starts with "unverified.".
import Provider from "oidc-provider";

const [port, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: "reflection",
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: !id.startsWith("unverified."), name: `Test ${id.split("@")[0]}` };
      },
    };
  },
  // The test school has consented already: no consent screen after the sign-in form.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  pkce: { required: () => false },
  // Email and name go in the ID token itself, as Google and Microsoft put them; st.user reads the ID token.
  conformIdTokenClaims: false,
});

provider.listen(Number(port), "127.0.0.1", () => console.log(`identity provider ready at ${issuer}`));
