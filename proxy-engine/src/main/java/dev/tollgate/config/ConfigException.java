package dev.tollgate.config;

/** A configuration problem, reported as {@code file:line: message} like a compiler would. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final String detail;

    public ConfigException(String file, int line, String detail) {
        super(line > 0 ? file + ":" + line + ": " + detail : file + ": " + detail);
        this.file = file;
        this.line = line;
        this.detail = detail;
    }

    public String file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is not tied to a line. */
    public int line() {
        return line;
    }

    public String detail() {
        return detail;
    }
}
