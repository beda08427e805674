package lab.mq.publish;

import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import lab.mq.message.Message;

/**
 * {@code POST /channels/{channel}/messages} {@code {"sender","text"}}: 201 with the message once the
 * log sequenced it; 200 with {@code Idempotent-Replayed: true} and the original message when the
 * {@code Idempotency-Key} was seen before (within 24 h, per channel). Channels the system writes
 * into ({@link ReservedChannels}) answer 403 here and append nothing.
 */
@RestController
class PublishController {

    private final Publisher publisher;

    PublishController(Publisher publisher) {
        this.publisher = publisher;
    }

    record PublishBody(String sender, String text) {
    }

    @PostMapping("/channels/{channel}/messages")
    ResponseEntity<Message> publish(@PathVariable String channel,
                                    @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                    @RequestBody PublishBody body) {
        ReservedChannels.refusePublicPublish(channel);
        PublishResult result = publisher.publish(channel, body.sender(), body.text(), idempotencyKey);
        URI location = URI.create("/channels/" + channel + "/messages?afterSeq=" + (result.message().seq() - 1) + "&limit=1");
        if (result.replayed()) {
            return ResponseEntity.ok().header("Idempotent-Replayed", "true").location(location).body(result.message());
        }
        return ResponseEntity.created(location).body(result.message());
    }
}
