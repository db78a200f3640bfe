package org.connectorconsole.base;

import java.util.List;

/**
 * One page of a list read in a fixed order, after a given row (keyset paging: a page deep in the list costs what the
 * first one does, and rows added or removed meanwhile neither repeat nor vanish): its items, and whether more follow.
 */
public record ListPage<T>(List<T> items, boolean hasMore) {

    /** The most rows a caller may ask for at once. */
    public static final int MAX_LIMIT = 200;
    /** The longest search text accepted. */
    public static final int MAX_SEARCH = 100;

    public ListPage {
        items = List.copyOf(items);
    }

    /** From up to {@code limit + 1} rows read: the extra row only says that more follow. */
    public static <T> ListPage<T> of(List<T> read, int limit) {
        return read.size() > limit ? new ListPage<>(read.subList(0, limit), true) : new ListPage<>(read, false);
    }

    public static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ValidationException.forField("limit", "Ask for 1 to " + MAX_LIMIT + " rows at a time.");
        }
        return limit;
    }

    /**
     * The search text a person typed, trimmed; {@code null} when there is none. Refused with a message when it is
     * longer than {@value #MAX_SEARCH} characters or holds control characters (nothing a name or address holds).
     */
    public static String searchText(String search) {
        if (search == null || search.isBlank()) {
            return null;
        }
        String text = search.strip();
        if (text.length() > MAX_SEARCH) {
            throw ValidationException.forField("search", "Search for at most " + MAX_SEARCH + " characters.");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw ValidationException.forField("search", "Search text cannot hold control characters.");
        }
        return text;
    }
}
