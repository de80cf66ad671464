package io.marketgate.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Incremental HTTP/1.1 response framing: feeds arrive as they come off the socket, in any split;
 * {@link #feed} reports when one whole response (status line, headers, body by Content-Length or
 * chunked encoding) has been read. The body is kept only when asked for.
 */
final class ResponseParser {
  static final int INCOMPLETE = -1;

  private byte[] acc = new byte[8192];
  private int len;
  private int headerEnd = -1;
  private int status;
  private long contentLength = -1;
  private boolean chunked;
  private boolean connectionClose;
  private int bodyStart;
  private int chunkScan;
  private int responseEnd = -1;
  private int scanned;

  /** Consumes the readable bytes of {@code buf}; the status code once a response is complete. */
  int feed(ByteBuffer buf) {
    int n = buf.remaining();
    ensure(n);
    buf.get(acc, len, n);
    len += n;
    return parse();
  }

  int feed(byte[] bytes) {
    return feed(ByteBuffer.wrap(bytes));
  }

  boolean connectionClose() {
    return connectionClose;
  }

  String body() {
    int end = responseEnd < 0 ? len : responseEnd;
    if (!chunked) return new String(acc, bodyStart, end - bodyStart, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder();
    int p = bodyStart;
    while (p < end) {
      int lineEnd = indexOf(acc, p, end, (byte) '\r');
      int size =
          Integer.parseInt(
              new String(acc, p, lineEnd - p, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
      if (size == 0) break;
      sb.append(new String(acc, lineEnd + 2, size, StandardCharsets.UTF_8));
      p = lineEnd + 2 + size + 2;
    }
    return sb.toString();
  }

  /** Forgets the completed response, keeping any bytes that followed it. */
  void reset() {
    int rest = responseEnd < 0 ? 0 : len - responseEnd;
    if (rest > 0) System.arraycopy(acc, responseEnd, acc, 0, rest);
    len = rest;
    headerEnd = -1;
    status = 0;
    contentLength = -1;
    chunked = false;
    connectionClose = false;
    bodyStart = 0;
    chunkScan = 0;
    responseEnd = -1;
    scanned = 0;
  }

  private int parse() {
    if (headerEnd < 0) {
      int end = indexOfCrlfCrlf();
      scanned = len;
      if (end < 0) return INCOMPLETE;
      headerEnd = end;
      bodyStart = end + 4;
      readHead(end);
      chunkScan = bodyStart;
    }
    if (chunked) return parseChunks();
    long needed = bodyStart + Math.max(0, contentLength);
    if (len < needed) return INCOMPLETE;
    responseEnd = (int) needed;
    return status;
  }

  /** Reads the status code and the framing headers straight from the bytes, without allocating. */
  private void readHead(int end) {
    if (end < 12
        || acc[0] != 'H'
        || acc[1] != 'T'
        || acc[2] != 'T'
        || acc[3] != 'P'
        || acc[8] != ' ') {
      throw new IllegalStateException(
          "not an HTTP response: "
              + new String(acc, 0, Math.min(end, 40), StandardCharsets.ISO_8859_1));
    }
    status = (acc[9] - '0') * 100 + (acc[10] - '0') * 10 + (acc[11] - '0');
    int line = indexOf(acc, 0, end, (byte) '\n') + 1;
    while (line > 0 && line < end) {
      int lineEnd = indexOf(acc, line, end, (byte) '\r');
      if (lineEnd < 0) lineEnd = end;
      int colon = indexOf(acc, line, lineEnd, (byte) ':');
      if (colon > 0) {
        int value = colon + 1;
        while (value < lineEnd && acc[value] == ' ') value++;
        if (nameIs(line, colon, "content-length")) {
          long n = 0;
          for (int i = value; i < lineEnd && acc[i] >= '0' && acc[i] <= '9'; i++)
            n = n * 10 + (acc[i] - '0');
          contentLength = n;
        } else if (nameIs(line, colon, "transfer-encoding")) {
          chunked =
              new String(acc, value, lineEnd - value, StandardCharsets.ISO_8859_1)
                  .toLowerCase(Locale.ROOT)
                  .contains("chunked");
        } else if (nameIs(line, colon, "connection")) {
          connectionClose =
              new String(acc, value, lineEnd - value, StandardCharsets.ISO_8859_1)
                  .trim()
                  .equalsIgnoreCase("close");
        }
      }
      line = lineEnd + 2;
    }
  }

  private boolean nameIs(int from, int to, String lowerName) {
    if (to - from != lowerName.length()) return false;
    for (int i = 0; i < lowerName.length(); i++) {
      int c = acc[from + i];
      if (c >= 'A' && c <= 'Z') c += 32;
      if (c != lowerName.charAt(i)) return false;
    }
    return true;
  }

  private int parseChunks() {
    while (true) {
      int lineEnd = indexOf(acc, chunkScan, len, (byte) '\r');
      if (lineEnd < 0 || lineEnd + 1 >= len) return INCOMPLETE;
      String sizeText =
          new String(acc, chunkScan, lineEnd - chunkScan, StandardCharsets.US_ASCII)
              .split(";")[0].trim();
      int size = Integer.parseInt(sizeText, 16);
      int next = lineEnd + 2 + size + 2;
      if (size == 0) {
        // Last chunk: no trailers expected, just the final CRLF.
        if (len < lineEnd + 4) return INCOMPLETE;
        responseEnd = lineEnd + 4;
        return status;
      }
      if (len < next) return INCOMPLETE;
      chunkScan = next;
    }
  }

  private int indexOfCrlfCrlf() {
    for (int i = Math.max(0, scanned - 3); i + 3 < len; i++) {
      if (acc[i] == '\r' && acc[i + 1] == '\n' && acc[i + 2] == '\r' && acc[i + 3] == '\n')
        return i;
    }
    return -1;
  }

  private static int indexOf(byte[] a, int from, int to, byte b) {
    for (int i = from; i < to; i++) if (a[i] == b) return i;
    return -1;
  }

  private void ensure(int extra) {
    if (len + extra > acc.length) acc = Arrays.copyOf(acc, Math.max(acc.length * 2, len + extra));
  }
}
