package dev.tollgate.ui.live;

/** A filter the user typed that cannot be parsed; {@code position} is the 0-based offset of the problem. */
public final class FilterSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int position;

    public FilterSyntaxException(int position, String message) {
        super(message);
        this.position = position;
    }

    public int position() {
        return position;
    }
}
