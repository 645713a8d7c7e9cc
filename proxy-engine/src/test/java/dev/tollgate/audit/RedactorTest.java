package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RedactorTest {

    @Test
    void redactsSensitiveKeysAtAnyDepthCaseInsensitively() {
        JsonNode args = Json.parse("{\"customer\":\"c-1\",\"Password\":\"hunter2\",\"auth\":{\"API_KEY\":\"k1\","
                + "\"nested\":[{\"refresh_token\":\"rt\"},{\"cardNumber\":\"4111\"}]},\"amount\":5,"
                + "\"billing\":{\"CVV\":123,\"ssn\":\"078-05-1120\",\"clientSecret\":{\"a\":1}}}");

        JsonNode clean = Redactor.defaults().redact(args);

        assertThat(clean.path("customer").asString()).isEqualTo("c-1");
        assertThat(clean.path("amount").asInt()).isEqualTo(5);
        assertThat(clean.path("Password").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("auth").path("API_KEY").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("auth")
                        .path("nested")
                        .get(0)
                        .path("refresh_token")
                        .asString())
                .isEqualTo("[REDACTED]");
        assertThat(clean.path("auth").path("nested").get(1).path("cardNumber").asString())
                .isEqualTo("[REDACTED]");
        assertThat(clean.path("billing").path("CVV").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("billing").path("ssn").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("billing").path("clientSecret").asString()).isEqualTo("[REDACTED]");
        assertThat(args.path("Password").asString())
                .as("the input is untouched")
                .isEqualTo("hunter2");
    }

    @Test
    void redactsTheKeysTheConfigurationAdds() {
        JsonNode args = Json.parse(
                "{\"iban\":\"DE89370400440532013000\",\"items\":[{\"Customer-IBAN\":\"x\"}],\"name\":\"n\"}");

        JsonNode clean = Redactor.withKeys(List.of("IBAN")).redact(args);

        assertThat(clean.path("iban").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("items").get(0).path("Customer-IBAN").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("name").asString()).isEqualTo("n");
        assertThat(Redactor.defaults().redact(args).path("iban").asString()).startsWith("DE89");
    }

    @Test
    void redactsTokenShapedStringsUnderInnocentKeys() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl";
        JsonNode args = Json.parse("{\"note\":\"call with Bearer abc123def456ghi789\",\"blob\":\"" + jwt + "\","
                + "\"key\":[\"sk_live_51Habcdefghijkl\"],\"plain\":\"refund order 17\"}");

        JsonNode clean = Redactor.defaults().redact(args);

        assertThat(clean.path("note").asString()).isEqualTo("call with Bearer [REDACTED]");
        assertThat(clean.path("blob").asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("key").get(0).asString()).isEqualTo("[REDACTED]");
        assertThat(clean.path("plain").asString()).isEqualTo("refund order 17");
    }
}
