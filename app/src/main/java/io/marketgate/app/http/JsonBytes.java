package io.marketgate.app.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal JSON writer into a growable byte array, for responses assembled around pre-encoded data
 * without building a JSON tree.
 */
final class JsonBytes {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private byte[] buf;
  private int len;

  JsonBytes(int capacity) {
    buf = new byte[capacity];
  }

  JsonBytes raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
    return this;
  }

  /** ASCII text known to need no escaping (field names, punctuation, numbers). */
  JsonBytes ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    return this;
  }

  JsonBytes string(String s) {
    if (s == null) return ascii("null");
    ensure(s.length() + 2);
    buf[len++] = '"';
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        ensure(2);
        buf[len++] = '\\';
        buf[len++] = (byte) c;
      } else if (c < 0x20) {
        ensure(6);
        buf[len++] = '\\';
        buf[len++] = 'u';
        buf[len++] = '0';
        buf[len++] = '0';
        buf[len++] = HEX[c >> 4];
        buf[len++] = HEX[c & 0xF];
      } else if (c < 0x80) {
        ensure(1);
        buf[len++] = (byte) c;
      } else {
        int end = i + 1;
        if (Character.isHighSurrogate(c) && end < s.length()) end++;
        raw(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
      }
    }
    ensure(1);
    buf[len++] = '"';
    return this;
  }

  JsonBytes bool(boolean b) {
    return ascii(b ? "true" : "false");
  }

  JsonBytes number(long n) {
    return ascii(Long.toString(n));
  }

  JsonBytes number(double d) {
    return ascii(Double.isFinite(d) ? Double.toString(d) : "null");
  }

  byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
  }
}
