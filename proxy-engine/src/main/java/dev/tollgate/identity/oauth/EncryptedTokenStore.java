package dev.tollgate.identity.oauth;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Per-user upstream tokens, AES-GCM encrypted at rest in memory and, when a file is given, on disk. The
 * (user, server) pair is the associated data, so a ciphertext moved to another user's slot fails to decrypt.
 */
public final class EncryptedTokenStore {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final Optional<Path> file;
    private final SecureRandom random = new SecureRandom();
    private final Map<TokenBinding, byte[]> sealed = new ConcurrentHashMap<>();

    public EncryptedTokenStore(SecretKey key, Optional<Path> file) {
        this.key = key;
        this.file = file;
        file.filter(Files::exists).ifPresent(this::load);
    }

    public void put(TokenBinding binding, StoredToken token) {
        ObjectNode json = Json.object();
        json.put("access", token.accessToken());
        token.refreshToken().ifPresent(r -> json.put("refresh", r));
        token.expiresAt().ifPresent(e -> json.put("expiresAt", e.toEpochMilli()));
        token.scopes().forEach(json.withArray("scopes")::add);
        sealed.put(binding, seal(binding, Json.write(json).getBytes(StandardCharsets.UTF_8)));
        persist();
    }

    public Optional<StoredToken> get(TokenBinding binding) {
        byte[] blob = sealed.get(binding);
        if (blob == null) {
            return Optional.empty();
        }
        JsonNode json = Json.parse(new String(open(binding, blob), StandardCharsets.UTF_8));
        List<String> scopes = new ArrayList<>();
        json.path("scopes").forEach(s -> scopes.add(s.asString()));
        return Optional.of(new StoredToken(
                json.path("access").asString(),
                json.has("refresh") ? Optional.of(json.get("refresh").asString()) : Optional.empty(),
                json.has("expiresAt")
                        ? Optional.of(Instant.ofEpochMilli(json.get("expiresAt").asLong()))
                        : Optional.empty(),
                scopes));
    }

    public void remove(TokenBinding binding) {
        if (sealed.remove(binding) != null) {
            persist();
        }
    }

    public List<TokenBinding> bindings() {
        return List.copyOf(sealed.keySet());
    }

    private byte[] seal(TokenBinding binding, byte[] plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(binding));
            byte[] ct = cipher.doFinal(plain);
            return ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by every Java platform", e);
        }
    }

    private byte[] open(TokenBinding binding, byte[] blob) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 0, IV_BYTES));
            cipher.updateAAD(aad(binding));
            return cipher.doFinal(blob, IV_BYTES, blob.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored token for " + binding + " cannot be decrypted with this key", e);
        }
    }

    private static byte[] aad(TokenBinding binding) {
        return (binding.user() + "\u0000" + binding.server()).getBytes(StandardCharsets.UTF_8);
    }

    private synchronized void persist() {
        if (file.isEmpty()) {
            return;
        }
        ObjectNode doc = Json.object();
        var entries = doc.putArray("tokens");
        sealed.forEach((binding, blob) -> entries.addObject()
                .put("user", binding.user())
                .put("server", binding.server())
                .put("sealed", Base64.getEncoder().encodeToString(blob)));
        Path target = file.get();
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Path folder = target.toAbsolutePath().getParent();
            Path tmp = folder.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile(
                            folder,
                            ".tokens",
                            ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(folder, ".tokens", ".tmp");
            Files.writeString(tmp, Json.write(doc));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the token store " + target + ": " + e.getMessage(), e);
        }
    }

    private void load(Path path) {
        try {
            for (JsonNode entry : Json.parse(Files.readString(path)).path("tokens")) {
                sealed.put(
                        new TokenBinding(
                                entry.path("user").asString(),
                                entry.path("server").asString()),
                        Base64.getDecoder().decode(entry.path("sealed").asString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the token store " + path + ": " + e.getMessage(), e);
        }
    }
}
