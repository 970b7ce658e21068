#!/usr/bin/env python3
"""Publishes to PerceptWatch from Python: one reference image, then two generation events, one with the
reference inline and one naming the published reference by id.

Debian packages only: python3-confluent-kafka (the Kafka producer) and python3-avro (the Avro encoding).
The schema registry wire format is written here (docs/PRODUCERS.md, "Wire format"): byte 0x00, the schema
id as a big-endian 32-bit integer, then the Avro binary record. Keys are the event_id (the reference_id for
references), UTF-8.

  python3 client/python/publish_example.py --bootstrap HOST:PORT --registry URL \\
      --generated out.png --reference ref.png [--model sdxl-faces --version v7]

Prints one line per record: <id> <topic>/<partition>@<offset>.
"""
import argparse
import datetime
import io
import json
import pathlib
import struct
import sys
import urllib.request
import uuid

import avro.io
import avro.schema
from confluent_kafka import Producer

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "src" / "main" / "avro"
MAX_RECORD_BYTES = 10 * 1024 * 1024  # the broker's message.max.bytes


def load_schema(name, names):
    """An .avsc of the repository; named types it uses must have been loaded into `names` first."""
    return avro.schema.make_avsc_object(json.loads((SCHEMAS / (name + ".avsc")).read_text()), names)


def register(registry_url, subject, schema):
    """Registers the schema under the subject (idempotent) and returns the registry's id for it."""
    request = urllib.request.Request(
        registry_url.rstrip("/") + "/subjects/" + subject + "/versions",
        data=json.dumps({"schema": json.dumps(schema.to_json())}).encode(),
        headers={"Content-Type": "application/vnd.schemaregistry.v1+json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["id"]


def encode(schema, schema_id, record):
    """The Confluent wire format: magic byte, schema id, Avro binary."""
    buffer = io.BytesIO()
    buffer.write(struct.pack(">bI", 0, schema_id))
    avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(buffer))
    return buffer.getvalue()


def image(data=None, media_type=None, reference_id=None):
    """An ImageSource: exactly one of inline data (with its media type) or a reference id."""
    return {"data": data, "media_type": media_type, "uri": None, "reference_id": reference_id}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True, help="the registry's Confluent API base URL")
    parser.add_argument("--generated", required=True, type=pathlib.Path)
    parser.add_argument("--reference", required=True, type=pathlib.Path)
    parser.add_argument("--model", default="sdxl-faces")
    parser.add_argument("--version", default="v7")
    parser.add_argument("--generations-topic", default="perceptwatch.generations")
    parser.add_argument("--references-topic", default="perceptwatch.references")
    parser.add_argument("--reference-id", default="portrait-0001")
    args = parser.parse_args()

    names = avro.schema.Names()
    load_schema("ImageSource", names)  # GenerationEvent refers to it by name
    event_schema = load_schema("GenerationEvent", names)
    reference_schema = load_schema("ReferenceImage", avro.schema.Names())
    # TopicNameStrategy: the subject is the topic's name + "-value".
    event_id_in_registry = register(args.registry, args.generations_topic + "-value", event_schema)
    reference_id_in_registry = register(args.registry, args.references_topic + "-value", reference_schema)

    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "enable.idempotence": True,
                         "message.max.bytes": MAX_RECORD_BYTES})
    failures = []

    def delivered(error, message):
        if error is not None:
            failures.append(error)
        else:
            print(f"{message.key().decode()} {message.topic()}/{message.partition()}@{message.offset()}")

    generated = args.generated.read_bytes()
    reference = args.reference.read_bytes()
    now = datetime.datetime.now(datetime.timezone.utc)  # timestamp-millis fields take an aware datetime

    # References first: an event naming a reference the service has not seen is dead-lettered.
    producer.produce(args.references_topic, key=args.reference_id.encode(), on_delivery=delivered,
                     value=encode(reference_schema, reference_id_in_registry, {
                         "reference_id": args.reference_id, "data": reference, "media_type": "image/png",
                         "updated_at": now}))
    producer.flush(30)

    events = [
        {"generated": image(generated, "image/png"), "reference": image(reference, "image/png")},
        {"generated": image(generated, "image/png"), "reference": image(reference_id=args.reference_id)},
    ]
    for sources in events:
        event_id = str(uuid.uuid4())
        record = {"event_id": event_id, "model_id": args.model, "model_version": args.version,
                  "produced_at": now, "attributes": {"publisher": "publish_example.py"}, **sources}
        producer.produce(args.generations_topic, key=event_id.encode(), on_delivery=delivered,
                         value=encode(event_schema, event_id_in_registry, record))
    remaining = producer.flush(30)
    if failures or remaining:
        print(f"error: {len(failures)} records failed ({failures}), {remaining} not delivered", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
