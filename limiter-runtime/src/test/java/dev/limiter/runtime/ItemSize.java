package dev.limiter.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB's documented item size for string and number attributes. */
final class ItemSize {

  private ItemSize() {}

  static int bytes(Map<String, AttributeValue> item) {
    int bytes = 0;
    for (Map.Entry<String, AttributeValue> entry : item.entrySet()) {
      bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length;
      AttributeValue value = entry.getValue();
      if (value.s() != null) {
        bytes += value.s().getBytes(StandardCharsets.UTF_8).length;
      } else if (value.n() != null) {
        // Numbers: about one byte per two significant digits, plus one.
        bytes += (value.n().replace("-", "").length() + 1) / 2 + 1;
      } else {
        throw new IllegalArgumentException("unexpected attribute type in a bucket: " + entry);
      }
    }
    return bytes;
  }
}
