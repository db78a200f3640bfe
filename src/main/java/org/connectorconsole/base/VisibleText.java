package org.connectorconsole.base;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * Text from outside shown to people: characters a reader cannot see — zero-width characters, direction overrides
 * and isolates (U+202E turns "gpj.exe" into "exe.jpg"), byte-order marks, other format and control characters,
 * fillers that render as blanks — let one name pass for another. Input people type is refused when it has them;
 * text a server sends is shown with them written out as {@code \\u{202E}}.
 */
public final class VisibleText {

    private VisibleText() {
    }

    /** Whether a reader cannot see {@code cp} (or cannot see where it changes the text around it). */
    public static boolean hidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.CONTROL && cp != '\t'
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || Character.isWhitespace(cp) && cp != ' ' && cp != '\t'
                || type == Character.SPACE_SEPARATOR && cp != ' '
                // letters and marks that draw nothing: Hangul fillers, the combining grapheme joiner, braille blank
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x034F || cp == 0x2800;
    }

    /** The first hidden character, if any. */
    public static OptionalInt firstHidden(String text) {
        return text == null ? OptionalInt.empty() : text.codePoints().filter(VisibleText::hidden).findFirst();
    }

    /** {@code U+202E}, as a message names a character. */
    public static String codePoint(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }

    /** The text with every hidden character written as {@code \\u{…}}; null stays null. */
    public static String escape(String text) {
        if (text == null || firstHidden(text).isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (hidden(cp)) {
                out.append(String.format(Locale.ROOT, "\\u{%04X}", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
