package dev.tollgate.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * A filter over the audit store. Every field is optional; {@code tool} is {@code server.tool} and may
 * use {@code *} globs. Paging is by id: {@code beforeId} returns older records (newest first), for
 * tables that scroll back through millions of rows without loading them.
 */
public record AuditQuery(
        Optional<String> agent,
        Optional<String> tool,
        Optional<String> user,
        Optional<String> session,
        Optional<String> conversation,
        Optional<String> decision,
        Optional<String> status,
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<Long> beforeId,
        Optional<Long> afterId,
        Optional<String> text,
        int limit,
        boolean newestFirst) {

    public static Builder builder() {
        return new Builder();
    }

    public static AuditQuery all() {
        return builder().limit(Integer.MAX_VALUE).build();
    }

    /** Builder: most queries set two or three of the many optional fields. */
    public static final class Builder {
        private Optional<String> agent = Optional.empty();
        private Optional<String> tool = Optional.empty();
        private Optional<String> user = Optional.empty();
        private Optional<String> session = Optional.empty();
        private Optional<String> conversation = Optional.empty();
        private Optional<String> decision = Optional.empty();
        private Optional<String> status = Optional.empty();
        private Optional<Instant> from = Optional.empty();
        private Optional<Instant> to = Optional.empty();
        private Optional<Long> beforeId = Optional.empty();
        private Optional<Long> afterId = Optional.empty();
        private Optional<String> text = Optional.empty();
        private int limit = 100;
        private boolean newestFirst = false;

        public Builder agent(String v) {
            agent = Optional.ofNullable(v);
            return this;
        }

        public Builder tool(String v) {
            tool = Optional.ofNullable(v);
            return this;
        }

        public Builder user(String v) {
            user = Optional.ofNullable(v);
            return this;
        }

        public Builder session(String v) {
            session = Optional.ofNullable(v);
            return this;
        }

        public Builder conversation(String v) {
            conversation = Optional.ofNullable(v);
            return this;
        }

        public Builder decision(String v) {
            decision = Optional.ofNullable(v);
            return this;
        }

        public Builder status(String v) {
            status = Optional.ofNullable(v);
            return this;
        }

        public Builder from(Instant v) {
            from = Optional.ofNullable(v);
            return this;
        }

        public Builder to(Instant v) {
            to = Optional.ofNullable(v);
            return this;
        }

        public Builder beforeId(Long v) {
            beforeId = Optional.ofNullable(v);
            return this;
        }

        public Builder afterId(Long v) {
            afterId = Optional.ofNullable(v);
            return this;
        }

        public Builder text(String v) {
            text = Optional.ofNullable(v);
            return this;
        }

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder newestFirst(boolean v) {
            newestFirst = v;
            return this;
        }

        public AuditQuery build() {
            return new AuditQuery(
                    agent,
                    tool,
                    user,
                    session,
                    conversation,
                    decision,
                    status,
                    from,
                    to,
                    beforeId,
                    afterId,
                    text,
                    limit,
                    newestFirst);
        }
    }
}
