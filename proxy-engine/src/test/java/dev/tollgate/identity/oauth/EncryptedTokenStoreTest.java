package dev.tollgate.identity.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class EncryptedTokenStoreTest {
    @TempDir
    Path dir;

    private final StoredToken aliceToken = new StoredToken(
            "access-alice-3f9a",
            Optional.of("refresh-alice-77c1"),
            Optional.of(Instant.parse("2026-01-01T10:00:00Z")),
            List.of("crm.read"));

    @Test
    void tokensSurviveARestartEncryptedAndReadableOnlyWithTheKey() throws Exception {
        Path file = dir.resolve("tokens.json");
        EncryptedTokenStore store =
                new EncryptedTokenStore(TokenKeys.loadOrCreate(dir.resolve("token.key")), Optional.of(file));
        store.put(new TokenBinding("alice", "crm"), aliceToken);

        String onDisk = Files.readString(file);
        assertThat(onDisk).doesNotContain("access-alice-3f9a").doesNotContain("refresh-alice-77c1");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        EncryptedTokenStore reopened =
                new EncryptedTokenStore(TokenKeys.loadOrCreate(dir.resolve("token.key")), Optional.of(file));
        assertThat(reopened.get(new TokenBinding("alice", "crm"))).contains(aliceToken);
        assertThat(aliceToken.toString()).doesNotContain("alice-3f9a").doesNotContain("alice-77c1");

        EncryptedTokenStore otherKey =
                new EncryptedTokenStore(TokenKeys.loadOrCreate(dir.resolve("other.key")), Optional.of(file));
        assertThatThrownBy(() -> otherKey.get(new TokenBinding("alice", "crm")))
                .hasMessage(
                        "a stored token for TokenBinding[user=alice, server=crm] cannot be decrypted with this key");
    }

    @Test
    void aCiphertextMovedToAnotherUsersSlotDoesNotDecrypt() throws Exception {
        Path file = dir.resolve("tokens.json");
        EncryptedTokenStore store =
                new EncryptedTokenStore(TokenKeys.loadOrCreate(dir.resolve("token.key")), Optional.of(file));
        store.put(new TokenBinding("alice", "crm"), aliceToken);
        ObjectNode doc = (ObjectNode) Json.parse(Files.readString(file));
        ((ObjectNode) doc.get("tokens").get(0)).put("user", "mallory");
        Files.writeString(file, Json.write(doc));

        EncryptedTokenStore tampered =
                new EncryptedTokenStore(TokenKeys.loadOrCreate(dir.resolve("token.key")), Optional.of(file));

        assertThatThrownBy(() -> tampered.get(new TokenBinding("mallory", "crm")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(tampered.get(new TokenBinding("alice", "crm"))).isEmpty();
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("token.key");
        TokenKeys.loadOrCreate(key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> TokenKeys.loadOrCreate(key))
                .hasMessageContaining("is readable by others (rw-r--r--); chmod 600 it");
    }

    @Test
    void aConfiguredKeyMustBeAnAesKey() {
        assertThatThrownBy(() -> TokenKeys.fromBase64("c2hvcnQ="))
                .hasMessage("the token key must be 16, 24 or 32 bytes, got 5");
    }
}
