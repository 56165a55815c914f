package chat.orchestrator.http.inbound;

import static chat.orchestrator.http.inbound.BodyCases.CHAT;
import static chat.orchestrator.http.inbound.BodyCases.MESSAGE;
import static chat.orchestrator.http.inbound.BodyCases.SYNC;
import static chat.orchestrator.http.inbound.BodyCases.WEBHOOK;
import static chat.orchestrator.http.inbound.HostileCase.probed;
import static chat.orchestrator.http.inbound.HostileCase.signed;

import java.util.List;

/**
 * Pathological history markup (the shapes that made the old regular expressions quadratic or recursive), tokens and
 * signatures an attacker would try, and hostile query and path parameters on the admin and job endpoints.
 */
final class MarkupAndAuthCases {
    private MarkupAndAuthCases() {
    }

    static List<HostileCase> all() {
        return List.of(
                history("markup: <BOT> repeated 12,000 times", "<BOT>".repeat(12_000)),
                history("markup: <USER> repeated 10,000 times", "<USER>".repeat(10_000)),
                history("markup: a turn then 3,000 spaces and a stray word", "<USER>a</USER>" + " ".repeat(3_000) + "x"),
                history("markup: a turn then 10,000 <br> and a stray word", "<USER>a</USER>" + "<br>".repeat(10_000) + "x"),
                history("markup: an unclosed <br", "<USER>a</USER><br"),
                history("markup: 201 turns", "<USER>a</USER>".repeat(201)),
                history("markup: only a bot turn", "<BOT>hello</BOT>"),
                history("markup: a closing tag of the other role", "<USER>a</BOT>"),
                history("markup: text before the first turn", "hi<USER>a</USER>"),
                history("markup: empty", ""),
                probed("auth: no token", RawHttp.post(SYNC, "application/json", null, MESSAGE), 401, "unauthorized"),
                probed("auth: the admin token on a message endpoint", RawHttp.post(SYNC, "application/json", RunningApi.ADMIN_TOKEN,
                        MESSAGE), 401, "unauthorized"),
                probed("auth: the message token on an admin endpoint", RawHttp.get("/api/v1/admin/stats", RunningApi.TOKEN), 401,
                        "unauthorized"),
                probed("auth: the token with a trailing byte", RawHttp.post(SYNC, "application/json", RunningApi.TOKEN + "x", MESSAGE),
                        401, "unauthorized"),
                probed("auth: a prefix of the token", RawHttp.post(SYNC, "application/json", RunningApi.TOKEN.substring(0, 5), MESSAGE),
                        401, "unauthorized"),
                probed("auth: Basic instead of Bearer", RawHttp.post(SYNC, "application/json", null, MESSAGE,
                        "Authorization: Basic " + RunningApi.TOKEN), 401, "unauthorized"),
                probed("auth: the token twice in one header", RawHttp.post(SYNC, "application/json", RunningApi.TOKEN + " "
                        + RunningApi.TOKEN, MESSAGE), 401, "unauthorized"),
                probed("auth: a webhook without a token", RawHttp.post(WEBHOOK, "application/json", null, BodyCases.EVENT), 401,
                        "unauthorized"),
                signed("auth: a signed webhook without a signature (body never read)",
                        RawHttp.post(WEBHOOK, "application/json", null, BodyCases.EVENT), 401, "invalid_signature"),
                HostileCase.signedUnprobed("auth: a signed webhook without a signature and a body that never comes",
                        RawHttp.post(WEBHOOK, "application/json", null, "").replace("Content-Length: 0", "Content-Length: 9000"),
                        401, "invalid_signature"),
                signed("auth: a signed webhook with a wrong signature", RawHttp.post(WEBHOOK, "application/json", null,
                        BodyCases.EVENT, "X-Pancake-Signature: sha256=" + "0".repeat(64)), 401, "invalid_signature"),
                signed("auth: a signed webhook with the signature of another body", RawHttp.post(WEBHOOK, "application/json", null,
                        BodyCases.EVENT, "X-Pancake-Signature: "
                                + new WebhookSignature(RunningApi.WEBHOOK_SECRET).sign("{}".getBytes())), 401, "invalid_signature"),
                signed("auth: a signed webhook with the message token but no signature", RawHttp.post(WEBHOOK, "application/json",
                        RunningApi.TOKEN, BodyCases.EVENT), 401, "invalid_signature"),
                probed("query: limit 1e400", RawHttp.get("/api/v1/admin/conversations?limit=1e400", RunningApi.ADMIN_TOKEN), 422,
                        "invalid_field"),
                probed("query: offset beyond an int", RawHttp.get("/api/v1/admin/conversations?offset=99999999999",
                        RunningApi.ADMIN_TOKEN), 422, "invalid_field"),
                probed("query: max_age_hours negative", RawHttp.post("/api/v1/admin/system/cleanup?max_age_hours=-1",
                        "application/json", RunningApi.ADMIN_TOKEN, ""), 422, "invalid_field"),
                probed("query: an encoded NUL", RawHttp.get("/api/v1/admin/conversations?limit=%00", RunningApi.ADMIN_TOKEN), 422,
                        "invalid_field"),
                probed("path: cancel a conversation id with a bidi override",
                        RawHttp.post("/api/v1/admin/conversations/c%E2%80%AE1/cancel", "application/json", RunningApi.ADMIN_TOKEN,
                                ""), 422, "invalid_field"),
                probed("path: cancel a conversation id with an encoded space",
                        RawHttp.post("/api/v1/admin/conversations/c%201/cancel", "application/json", RunningApi.ADMIN_TOKEN, ""),
                        422, "invalid_field"),
                probed("path: cancel a conversation id of 300 characters",
                        RawHttp.post("/api/v1/admin/conversations/" + "c".repeat(300) + "/cancel", "application/json",
                                RunningApi.ADMIN_TOKEN, ""), 422, "invalid_field"),
                probed("path: a job id that is not a UUID", RawHttp.get("/api/v1/chat/jobs/..%2F..%2Fadmin", RunningApi.TOKEN),
                        404, "not_found"),
                probed("path: a job id that is a UUID nobody made",
                        RawHttp.get("/api/v1/chat/jobs/00000000-0000-0000-0000-000000000000", RunningApi.TOKEN), 404,
                        "job_not_found"),
                probed("auth: the message token on the dead-letter listing",
                        RawHttp.get("/api/v1/admin/deliveries", RunningApi.TOKEN), 401, "unauthorized"),
                probed("query: a delivery status nobody has", RawHttp.get("/api/v1/admin/deliveries?status=%27%3B--",
                        RunningApi.ADMIN_TOKEN), 422, "invalid_field"),
                probed("query: a deliveries limit of 1e400", RawHttp.get("/api/v1/admin/deliveries?limit=1e400",
                        RunningApi.ADMIN_TOKEN), 422, "invalid_field"),
                probed("path: retry with encoded slashes towards another admin endpoint",
                        RawHttp.post("/api/v1/admin/deliveries/..%2F..%2Fsystem%2Fcleanup/retry", "application/json",
                                RunningApi.ADMIN_TOKEN, ""), 404, "not_found"),
                probed("path: retry a run id that is not a UUID",
                        RawHttp.post("/api/v1/admin/deliveries/run%3B1/retry", "application/json",
                                RunningApi.ADMIN_TOKEN, ""), 422, "invalid_field"),
                probed("path: retry a run id nobody made",
                        RawHttp.post("/api/v1/admin/deliveries/00000000-0000-0000-0000-000000000000/retry",
                                "application/json", RunningApi.ADMIN_TOKEN, ""), 404, "not_retryable"),
                probed("auth: a delivery retry without a token",
                        RawHttp.post("/api/v1/admin/deliveries/00000000-0000-0000-0000-000000000000/retry",
                                "application/json", null, ""), 401, "unauthorized"));
    }

    private static HostileCase history(String name, String markup) {
        String body = "{\"conversation_id\":\"c_1\",\"history\":\"" + markup + "\",\"resources\":{\"user_id\":\"123\"}}";
        return probed(name, RawHttp.post(CHAT, "application/json", RunningApi.TOKEN, body), 422, "invalid_field");
    }
}
