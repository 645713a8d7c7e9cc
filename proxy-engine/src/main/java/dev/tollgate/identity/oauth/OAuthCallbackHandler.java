package dev.tollgate.identity.oauth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Tollgate's OAuth redirect endpoint ({@code /oauth/callback}): the user's browser lands here after
 * authorizing; the code is exchanged and the user is told to return to the agent. Other paths are declined.
 */
public final class OAuthCallbackHandler extends Handler.Abstract {
    public static final String PATH = "/oauth/callback";

    private final UserOAuthService oauth;

    public OAuthCallbackHandler(UserOAuthService oauth) {
        this.oauth = oauth;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!PATH.equals(Request.getPathInContext(request))) {
            return false;
        }
        Fields query = Request.extractQueryParameters(request);
        String state = query.getValue("state");
        String code = query.getValue("code");
        String error = query.getValue("error");
        if (error != null) {
            return page(
                    response,
                    callback,
                    HttpStatus.BAD_REQUEST_400,
                    "Authorization was not granted",
                    "The authorization server answered: " + error + ". Ask the agent to start again.");
        }
        if (state == null || code == null) {
            return page(
                    response,
                    callback,
                    HttpStatus.BAD_REQUEST_400,
                    "Not an authorization response",
                    "This address receives OAuth authorization responses (code and state).");
        }
        try {
            UserOAuthService.Completion done = oauth.complete(state, code);
            return page(
                    response,
                    callback,
                    HttpStatus.OK_200,
                    "Authorization complete",
                    "Tollgate may now call " + done.server() + " for " + done.user()
                            + ". You can close this window and return to the agent.");
        } catch (OAuthException e) {
            return page(response, callback, HttpStatus.BAD_REQUEST_400, "Authorization failed", e.getMessage());
        }
    }

    private static boolean page(Response response, Callback callback, int status, String title, String text) {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head><body><h1>" + escape(title) + "</h1><p>" + escape(text) + "</p></body></html>";
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.write(true, ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
