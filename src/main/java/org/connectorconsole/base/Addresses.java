package org.connectorconsole.base;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Network addresses as people read them, the same everywhere one is shown: IPv6 in its compact form (RFC 5952:
 * lower case, leading zeros dropped, the longest run of two or more zero groups as {@code ::}), so
 * {@code 0:0:0:0:0:0:0:1} reads {@code ::1}; an IPv4-mapped IPv6 address as the dotted IPv4 address it stands for;
 * IPv4 as it is. Anything that is not an address literal is returned unchanged (parsed here, never looked up in
 * DNS).
 */
public final class Addresses {

    private Addresses() {
    }

    public static String compact(String address) {
        if (address == null || address.isBlank()) {
            return address;
        }
        String text = address.strip();
        String zone = "";
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        int percent = text.indexOf('%');
        if (percent >= 0) {
            zone = text.substring(percent);
            text = text.substring(0, percent);
        }
        String v4 = ipv4(text);
        if (v4 != null) {
            return v4;
        }
        int[] groups = text.contains(":") ? ipv6(text) : null;
        if (groups == null) {
            return address;
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            // IPv4-mapped: the IPv4 address it stands for
            return (groups[6] >> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >> 8) + "." + (groups[7] & 0xff);
        }
        return compactV6(groups) + zone;
    }

    /** Dotted IPv4 (four decimal parts, each at most 255), written without leading zeros; else null. */
    private static String ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int n = Integer.parseInt(part);
            if (n > 255) {
                return null;
            }
            out.append(out.isEmpty() ? "" : ".").append(n);
        }
        return out.toString();
    }

    /** The eight 16-bit groups of an IPv6 literal (with "::" and a trailing dotted IPv4 part), or null. */
    private static int[] ipv6(String text) {
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String left = gap < 0 ? text : text.substring(0, gap);
        String right = gap < 0 ? "" : text.substring(gap + 2);
        if (!groups(left, head, gap < 0) || !groups(right, tail, true)) {
            return null;
        }
        List<Integer> all = new ArrayList<>(head);
        int missing = 8 - head.size() - tail.size();
        if (gap < 0 ? missing != 0 : missing < 1) {
            return null;
        }
        for (int i = 0; i < missing && gap >= 0; i++) {
            all.add(0);
        }
        all.addAll(tail);
        int[] out = new int[8];
        for (int i = 0; i < 8; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    /** Appends the groups of one side of "::" to {@code out}; the last side may end in dotted IPv4. */
    private static boolean groups(String side, List<Integer> out, boolean mayEndInV4) {
        if (side.isEmpty()) {
            return true;
        }
        String[] parts = side.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && mayEndInV4 && part.contains(".")) {
                String v4 = ipv4(part);
                if (v4 == null) {
                    return false;
                }
                String[] bytes = v4.split("\\.");
                out.add((Integer.parseInt(bytes[0]) << 8) | Integer.parseInt(bytes[1]));
                out.add((Integer.parseInt(bytes[2]) << 8) | Integer.parseInt(bytes[3]));
                continue;
            }
            if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                return false;
            }
            out.add(Integer.parseInt(part, 16));
        }
        return out.size() <= 8;
    }

    private static String compactV6(int[] groups) {
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8;) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
