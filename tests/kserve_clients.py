#!/usr/bin/python3
"""make check-kserve-clients: the V2 and V1 routes as the real clients
call them (issue 15, point 4).

Starts NGINX with the module on 127.0.0.1:MLCLF_PORT (default 18092)
over two models trained here (iris, conf/iris-logreg.yaml; and a text
model with text, category and integer inputs, trained on generated
e-mails), then replays, byte for byte, what two client libraries send,
and parses every reply the way they parse it:

- tritonclient.http (triton-inference-server/client, read at commit
  58a44caa of src/python/library/tritonclient/http/, with
  geventhttpclient 2.3.8, its transport, at commit 231947d9);
- KServe's InferenceRESTClient (kserve/kserve 0.20.0, commit aaac4e29,
  python/kserve/kserve/inference_client.py and protocol/infer_type.py,
  with httpx 0.28.1, its transport, at commit ae1b9f66).

Neither library is packaged by Debian: their requests are rebuilt here
from what their sources do (facts listed below), with Python's standard
library only, and sent on a raw socket so that the header names, their
order and the body bytes are exactly the client's.  Each client keeps
its connection alive between calls, as both libraries do, so a reply
that leaves unread body bytes on the connection breaks the next call.

What tritonclient.http sends (InferenceServerClient, _utils.py,
_infer_input.py, _requested_output.py):
- GET  /v2/health/live, /v2/health/ready, /v2/models/NAME[/versions/V]
  /ready (is_*: true when the status is 200, the body is not read),
  /v2 and /v2/models/NAME[/versions/V] (metadata: the JSON body).
- POST /v2/models/NAME[/versions/V]/infer, no Content-Type at all.
  The body is rapidjson.dumps of a dict, compact (no spaces), keys in
  this order: "id" (only when request_id is not ""), "inputs",
  "outputs" (only when outputs were given), "parameters" (only when not
  empty).  With no outputs the client adds "binary_data_output": true
  to "parameters": every output comes back binary.  Custom parameters,
  "priority" and "timeout" go into "parameters" too.
- An input is {"name","shape","datatype"[,"parameters"][,"data"]}.
  set_data_from_numpy(binary_data=True), the default, sends no "data":
  "parameters": {"binary_data_size": n} and the array's tobytes()
  (little-endian, row-major; BYTES as a 4-byte little-endian length and
  the bytes, per element) after the JSON, inputs in order; then the
  header Inference-Header-Content-Length: <JSON length>.  With
  binary_data=False, "data" is the flat row-major list of .item()
  values (FP32 widened to double: 5.1 is sent as 5.099999904632568;
  BYTES as UTF-8 strings) and there is no "parameters".
- A requested output is {"name", "parameters": {["classification": k,]
  "binary_data": true|false}}: binary_data is always present.
- request_compression_algorithm="gzip"|"deflate" compresses the whole
  body (JSON and binary) and adds Content-Encoding;
  response_compression_algorithm adds Accept-Encoding.
- Headers, in this order (geventhttpclient's _build_request): User-Agent:
  python/gevent-http-client-2.3.8, the call's own headers
  (Content-Encoding, Accept-Encoding, Inference-Header-Content-Length),
  Host: HOST:PORT, Content-Length when there is a body.
- Replies: any status but 200 raises InferenceServerException with
  json.loads(body)["error"] (a body that is not such JSON is reported
  as a client-side decoding failure).  InferResult: Content-Encoding
  gzip/deflate is undone first; without Inference-Header-Content-Length
  the whole body is JSON; with it, that many bytes are JSON and the
  rest is the outputs' binary data, each output with "parameters":
  {"binary_data_size": n} taking the next n bytes in the order of
  "outputs".  as_numpy(): binary FP64 is little-endian doubles, BYTES
  4-byte length + bytes; JSON "data" otherwise; reshaped to "shape".

What KServe's InferenceRESTClient sends (RESTConfig(protocol="v1"|"v2")):
- v2: GET /v2/health/ready (returns json["ready"]; a status other than
  2xx raises), /v2/health/live (json["live"]), /v2/models/NAME/ready
  (true when 2xx).  POST /v2/models/NAME/infer.
- v1: GET /v1/models/NAME (503 is false, else json["ready"]); POST
  /v1/models/NAME:predict with the caller's dict as JSON; the reply is
  returned as the parsed dict.  is_server_live in v1 GETs the base URL
  itself ("/") and reads json["status"] == "alive": not one of the V1
  routes of the issue, so it is not replayed here.
- InferRequest.to_rest(): {"id": request_id or a new uuid4 string,
  "model_name", "inputs", ["outputs"], ["parameters"]}, compact orjson
  (UTF-8 as is, no \\u escapes of non-ASCII).  An input is {"name",
  "shape", "datatype", ["parameters"], ["data"]}: "data" as the caller
  gave it (nested lists allowed), or flat from set_data_from_numpy(
  binary_data=False); binary_data=True works as in tritonclient.  A
  requested output is {"name", ["parameters"]}, its parameters as the
  caller gave them.
- Headers, in this order (httpx: Host first, then the client's
  defaults, the call's headers, and Content-Length last): Host,
  Accept: */*, Accept-Encoding: gzip, deflate (httpx adds br and zstd
  only when brotli and zstandard are installed), Connection: keep-alive,
  User-Agent: python-httpx/0.28.1, then content-type: application/json,
  or, with binary inputs, inference-header-content-length: <JSON
  length> and content-type: application/octet-stream; Content-Length.
- Replies: httpx undoes gzip/deflate.  A status other than 2xx raises
  HTTPStatusError; the message includes json["error"] only when the
  Content-Type is exactly "application/json".  v2: InferResponse.
  from_bytes(body, int(inference-header-content-length or the body's
  length)): "model_name" is required (a KeyError without it); an output
  with "parameters": {"binary_data_size": n} takes the next n bytes
  after the JSON, any other needs "data".

Some of the exact requests (iris, port 8000), as this file builds them:

tritonclient: FP32 [1,4] binary (the default), no outputs:
    POST /v2/models/iris/infer HTTP/1.1
    User-Agent: python/gevent-http-client-2.3.8
    Inference-Header-Content-Length: 142
    Host: 127.0.0.1:8000
    Content-Length: 158

    {"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32",
    "parameters":{"binary_data_size":16}}],"parameters":{
    "binary_data_output":true}}<16 bytes: 33 33 a3 40 00 00 60 40
    33 33 b3 3f cd cc 4c 3e>                    (one line, no spaces)

tritonclient: FP64 [1,4] JSON, both outputs JSON, request_id "r-1":
    POST /v2/models/iris/infer HTTP/1.1
    User-Agent: python/gevent-http-client-2.3.8
    Host: 127.0.0.1:8000
    Content-Length: 224

    {"id":"r-1","inputs":[{"name":"features","shape":[1,4],
    "datatype":"FP64","data":[5.1,3.5,1.4,0.2]}],"outputs":[{
    "name":"probabilities","parameters":{"binary_data":false}},{
    "name":"label","parameters":{"binary_data":false}}]}

tritonclient: class_count=2 on "probabilities", binary_data=False:
    "outputs":[{"name":"probabilities","parameters":{
    "classification":2,"binary_data":false}}]

tritonclient: request_compression_algorithm="gzip": the headers above
    plus Content-Encoding: gzip (before Inference-Header-Content-Length)
    and the gzip of the whole body.

KServe v2: InferInput("features", [1, 4], "FP32", data=[[5.1, 3.5,
1.4, 0.2]]), no id:
    POST /v2/models/iris/infer HTTP/1.1
    Host: 127.0.0.1:8000
    Accept: */*
    Accept-Encoding: gzip, deflate
    Connection: keep-alive
    User-Agent: python-httpx/0.28.1
    content-type: application/json
    Content-Length: 155   (the uuid4 is 36 characters)

    {"id":"<uuid4>","model_name":"iris","inputs":[{"name":"features",
    "shape":[1,4],"datatype":"FP32","data":[[5.1,3.5,1.4,0.2]]}]}

KServe v1: {"instances": [[5.1, 3.5, 1.4, 0.2]]}:
    POST /v1/models/iris:predict HTTP/1.1
    (the same headers, content-type: application/json)

    {"instances":[[5.1,3.5,1.4,0.2]]}

rapidjson and orjson write a float in its shortest round-trip form, as
Python's repr does, but not in the same way when it has an exponent
(1e-07 against 1e-7): the values sent here have none, which
dumps() checks.

Every value read back is checked: the probabilities bit for bit equal
to /predict's for the same rows (as the server receives them: an FP32
tensor's values are float32), the labels, the classification strings
("<probability>:<index>:<label>", highest first), the ids echoed, the
health and metadata fields the clients read, and the errors (status,
{"error": ...}, Content-Type) of a wrong version, an unknown model or
output, a bad tensor and a compressed body.

Output: TAP.  Exit 0 when every check passed, 1 otherwise, 2 when the
set-up failed (no build, port in use...).  The scratch directory is
removed when every check passed, else kept and printed.
"""

import gzip
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = int(os.environ.get("MLCLF_PORT") or 18092)
BUILD = os.path.abspath(os.environ.get("B") or os.path.join(ROOT,
                                                          "build"))
NGINX = os.environ.get("MLCLF_NGINX", "/usr/sbin/nginx")

GEVENT_UA = "python/gevent-http-client-2.3.8"
HTTPX_UA = "python-httpx/0.28.1"


# ---------------------------------------------------------------- TAP

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name))
        if not cond:
            self.failed += 1
            if detail is not None:
                for line in str(detail).splitlines():
                    print("#   " + line)
            if LAST[0] is not None:
                print("#   last request: %r" % LAST[0][:600])
                print("#   its reply: %r" % (LAST[1],))
        sys.stdout.flush()
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name,
                       "got:  %r\nwant: %r" % (got, want))


T = Tap()

# the last request sent and its reply, shown when a check fails
LAST = [None, None]


def die(msg):
    print("Bail out! " + msg)
    sys.exit(2)


# ------------------------------------------------------ HTTP, raw

class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def get(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "%d %r %r" % (self.status, self.headers, self.body[:300])


class Conn:
    """One keep-alive HTTP/1.1 connection: sends the exact bytes given,
    reads one reply (Content-Length, chunked, or up to the close)."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buf = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(65536)
        self.buf += data
        return len(data)

    def _line(self):
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError("closed in the reply head")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _take(self, n):
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionError("closed in the reply body")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def request(self, raw, head=False):
        reused = self.sock is not None
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port))
        LAST[0], LAST[1] = raw, None
        try:
            self.sock.sendall(raw)
            status_line = self._line()
        except (ConnectionError, OSError):
            # what both transports do: a kept-alive connection the
            # server closed is opened again and the request sent again
            self.close()
            if not reused:
                raise
            return self.request(raw, head)
        parts = status_line.split(b" ", 2)
        status = int(parts[1])
        headers = []
        while True:
            line = self._line()
            if not line:
                break
            k, v = line.split(b":", 1)
            headers.append((k.decode("latin-1"),
                            v.strip().decode("latin-1")))
        reply = Reply(status, headers, b"")
        te = (reply.get("Transfer-Encoding") or "").lower()
        if head or status in (204, 304):
            body = b""
        elif te == "chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    break
                body += self._take(size)
                self._take(2)
        elif reply.get("Content-Length") is not None:
            body = self._take(int(reply.get("Content-Length")))
        else:
            while self._fill():
                pass
            body, self.buf = self.buf, b""
            self.close()
        reply.body = body
        LAST[1] = reply
        if (reply.get("Connection") or "").lower() == "close" \
           or parts[0] == b"HTTP/1.0":
            self.close()
        return reply


def head_bytes(method, uri, fields):
    text = "%s %s HTTP/1.1\r\n" % (method, uri)
    for k, v in fields:
        text += "%s: %s\r\n" % (k, v)
    return (text + "\r\n").encode("latin-1")


# ------------------------------------------------ tensors, no numpy

# what numpy's tobytes() writes for each datatype (little-endian)
PACK = {"BOOL": "?", "INT8": "b", "INT16": "h", "INT32": "i",
        "INT64": "q", "UINT8": "B", "UINT16": "H", "UINT32": "I",
        "UINT64": "Q", "FP32": "f", "FP64": "d"}


def f32(x):
    """x as a float32 holds it, widened back to double."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


class Array:
    """A stand-in for the numpy array a caller hands to
    set_data_from_numpy(): flat row-major values, a shape, and the
    datatype that np_to_triton_dtype() gives for its dtype."""

    def __init__(self, values, shape, datatype):
        self.values = list(values)
        self.shape = list(shape)
        self.datatype = datatype
        n = 1
        for d in shape:
            n *= d
        assert n == len(self.values)

    def items(self):
        """[v.item() for v in a.flatten()] (FP32: the float32 value
        as a double; BYTES: str(bytes, "utf-8"))."""
        if self.datatype == "FP32":
            return [f32(v) for v in self.values]
        if self.datatype == "FP64":
            return [float(v) for v in self.values]
        if self.datatype == "BOOL":
            return [bool(v) for v in self.values]
        if self.datatype == "BYTES":
            return [v.decode("utf-8") if isinstance(v, bytes) else str(v)
                    for v in self.values]
        return [int(v) for v in self.values]

    def tobytes(self):
        """tobytes(), or serialize_byte_tensor() for BYTES."""
        if self.datatype == "BYTES":
            out = b""
            for v in self.values:
                s = v if isinstance(v, bytes) else str(v).encode("utf-8")
                out += struct.pack("<I", len(s)) + s
            return out
        return struct.pack("<%d%s" % (len(self.values),
                                      PACK[self.datatype]), *self.values)


def no_exponent(obj):
    if isinstance(obj, float):
        assert "e" not in repr(obj), "a float with an exponent: %r" % obj
    elif isinstance(obj, dict):
        for v in obj.values():
            no_exponent(v)
    elif isinstance(obj, list):
        for v in obj:
            no_exponent(v)


def rapidjson_dumps(obj):
    """python-rapidjson's dumps(): compact, ASCII (\\u escapes)."""
    no_exponent(obj)
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


def orjson_dumps(obj):
    """orjson.dumps(): compact, UTF-8 bytes, non-ASCII as is."""
    no_exponent(obj)
    return json.dumps(obj, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def decode_bytes_tensor(raw):
    """deserialize_bytes_tensor(): 4-byte LE length + bytes, repeated."""
    out = []
    off = 0
    while off < len(raw):
        (n,) = struct.unpack_from("<I", raw, off)
        off += 4
        out.append(raw[off:off + n])
        if len(raw) < off + n:
            raise ValueError("BYTES element overruns the buffer")
        off += n
    return out


def from_buffer(raw, datatype):
    """np.frombuffer(raw, dtype) / deserialize_bytes_tensor(raw)."""
    if datatype == "BYTES":
        return decode_bytes_tensor(raw)
    size = struct.calcsize("<" + PACK[datatype])
    if len(raw) % size:
        raise ValueError("%d bytes are no %s array" % (len(raw), datatype))
    return list(struct.unpack("<%d%s" % (len(raw) // size,
                                         PACK[datatype]), raw))


def flatten(data):
    if isinstance(data, list):
        out = []
        for d in data:
            out.extend(flatten(d))
        return out
    return [data]


def product(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def as_array(datatype, shape, data):
    """np.array(data, dtype).reshape(shape), kept flat: checks the
    element count as reshape() would; BYTES JSON strings as str."""
    flat = flatten(data)
    if len(flat) != product(shape):
        raise ValueError("cannot reshape %d elements into %r"
                         % (len(flat), shape))
    return flat


# --------------------------------------------------- tritonclient.http

class ClientError(Exception):
    def __init__(self, status, msg):
        Exception.__init__(self, "[%s] %s" % (status, msg))
        self.status = status
        self.msg = msg


class TritonInput:
    """tritonclient.http.InferInput."""

    def __init__(self, name, shape, datatype):
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.parameters = {}
        self.data = None
        self.raw = None

    def set_data_from_numpy(self, array, binary_data=True):
        assert array.datatype == self.datatype
        assert array.shape == list(self.shape)
        if not binary_data:
            self.parameters.pop("binary_data_size", None)
            self.raw = None
            self.data = array.items()
        else:
            self.data = None
            self.raw = array.tobytes()
            self.parameters["binary_data_size"] = len(self.raw)
        return self

    def tensor(self):
        t = {"name": self.name, "shape": self.shape,
             "datatype": self.datatype}
        if self.parameters:
            t["parameters"] = self.parameters
        if self.raw is None and self.data is not None:
            t["data"] = self.data
        return t


class TritonOutput:
    """tritonclient.http.InferRequestedOutput."""

    def __init__(self, name, binary_data=True, class_count=0):
        self.name = name
        self.parameters = {}
        if class_count != 0:
            self.parameters["classification"] = class_count
        self.parameters["binary_data"] = binary_data

    def tensor(self):
        return {"name": self.name, "parameters": self.parameters}


class TritonResult:
    """tritonclient.http.InferResult."""

    def __init__(self, reply):
        body = reply.body
        enc = reply.get("Content-Encoding")
        if enc == "gzip":
            body = gzip.decompress(body)
        elif enc == "deflate":
            body = zlib.decompress(body)
        hlen = reply.get("Inference-Header-Content-Length")
        self.offsets = {}
        if hlen is None:
            self.result = json.loads(body)
            self.buffer = b""
        else:
            hlen = int(hlen)
            self.result = json.loads(body[:hlen])
            self.buffer = body[hlen:]
            at = 0
            for out in self.result["outputs"]:
                size = (out.get("parameters") or {}).get("binary_data_size")
                if size is not None:
                    self.offsets[out["name"]] = at
                    at += size

    def as_numpy(self, name):
        """The output's flat values and its shape, or None."""
        for out in self.result.get("outputs") or []:
            if out["name"] != name:
                continue
            dt = out["datatype"]
            size = (out.get("parameters") or {}).get("binary_data_size")
            if size is not None:
                if size == 0:
                    vals = []
                else:
                    at = self.offsets[name]
                    chunk = self.buffer[at:at + size]
                    if len(chunk) != size:
                        raise ValueError("binary output %s: %d bytes of %d"
                                         % (name, len(chunk), size))
                    vals = from_buffer(chunk, dt)
            else:
                vals = as_array(dt, out["shape"], out["data"])
                if dt == "BYTES":
                    vals = [v.encode("utf-8") for v in vals]
            if len(vals) != product(out["shape"]):
                raise ValueError("%s: %d values for shape %r"
                                 % (name, len(vals), out["shape"]))
            return vals, out["shape"]
        return None

    def get_response(self):
        return self.result


class TritonClient:
    """tritonclient.http.InferenceServerClient("127.0.0.1:PORT")."""

    def __init__(self, port):
        self.hostport = "127.0.0.1:%d" % port
        self.conn = Conn(port)

    def _call(self, method, uri, body=b"", headers=None):
        fields = [("User-Agent", GEVENT_UA)]
        fields += list((headers or {}).items())
        fields.append(("Host", self.hostport))
        if body:
            fields.append(("Content-Length", str(len(body))))
        return self.conn.request(head_bytes(method, "/" + uri, fields)
                                 + body)

    @staticmethod
    def _raise_if_error(reply):
        if reply.status == 200:
            return
        try:
            body = reply.body.decode("utf-8")
            err = json.loads(body) if body else {
                "error": "client received an empty response from the"
                         " server."}
            msg = err["error"]
        except Exception as e:
            raise ClientError(reply.status,
                              "client could not decode the error: %r (%r)"
                              % (e, reply.body[:200]))
        raise ClientError(reply.status, msg)

    def is_server_live(self):
        return self._call("GET", "v2/health/live").status == 200

    def is_server_ready(self):
        return self._call("GET", "v2/health/ready").status == 200

    def is_model_ready(self, name, version=""):
        if version:
            uri = "v2/models/%s/versions/%s/ready" % (name, version)
        else:
            uri = "v2/models/%s/ready" % name
        return self._call("GET", uri).status == 200

    def get_server_metadata(self):
        r = self._call("GET", "v2")
        self._raise_if_error(r)
        return json.loads(r.body)

    def get_model_metadata(self, name, version=""):
        if version:
            uri = "v2/models/%s/versions/%s" % (name, version)
        else:
            uri = "v2/models/%s" % name
        r = self._call("GET", uri)
        self._raise_if_error(r)
        return json.loads(r.body)

    @staticmethod
    def request_body(inputs, outputs=None, request_id="", priority=0,
                     timeout=None, parameters=None):
        """_get_inference_request(): (body, json_size or None)."""
        req = {}
        params = {}
        if request_id != "":
            req["id"] = request_id
        if priority != 0:
            params["priority"] = priority
        if timeout is not None:
            params["timeout"] = timeout
        req["inputs"] = [i.tensor() for i in inputs]
        if outputs:
            req["outputs"] = [o.tensor() for o in outputs]
        else:
            params["binary_data_output"] = True
        for k, v in (parameters or {}).items():
            params[k] = v
        if params:
            req["parameters"] = params
        text = rapidjson_dumps(req)
        raws = [i.raw for i in inputs if i.raw is not None]
        if not raws:
            return text.encode(), None
        return text.encode() + b"".join(raws), len(text)

    def infer(self, model_name, inputs, model_version="", outputs=None,
              request_id="", priority=0, timeout=None, parameters=None,
              request_compression_algorithm=None,
              response_compression_algorithm=None):
        body, json_size = self.request_body(inputs, outputs, request_id,
                                            priority, timeout, parameters)
        headers = {}
        if request_compression_algorithm == "gzip":
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body)
        elif request_compression_algorithm == "deflate":
            headers["Content-Encoding"] = "deflate"
            body = zlib.compress(body)
        if response_compression_algorithm in ("gzip", "deflate"):
            headers["Accept-Encoding"] = response_compression_algorithm
        if json_size is not None:
            headers["Inference-Header-Content-Length"] = json_size
        if model_version != "":
            uri = "v2/models/%s/versions/%s/infer" % (model_name,
                                                      model_version)
        else:
            uri = "v2/models/%s/infer" % model_name
        r = self._call("POST", uri, body, headers)
        self._raise_if_error(r)
        return TritonResult(r)


# ------------------------------------------ KServe InferenceRESTClient

class HTTPStatusError(Exception):
    def __init__(self, reply, msg):
        Exception.__init__(self, "%d: %s" % (reply.status, msg))
        self.reply = reply
        self.msg = msg


class KInput:
    """kserve.InferInput (protocol/infer_type.py)."""

    def __init__(self, name, shape, datatype, data=None, parameters=None):
        self.name = name
        self.shape = shape
        self.datatype = datatype.upper()
        self.parameters = parameters
        self.data = data
        self.raw = None

    def set_data_from_numpy(self, array, binary_data=True):
        assert array.datatype == self.datatype
        assert array.shape == list(self.shape)
        if not binary_data:
            if self.parameters:
                self.parameters.pop("binary_data_size", None)
            self.raw = None
            self.data = array.items()
        else:
            self.data = None
            self.raw = array.tobytes()
            if self.parameters is None:
                self.parameters = {"binary_data_size": len(self.raw)}
            else:
                self.parameters["binary_data_size"] = len(self.raw)


class KOutput:
    """kserve.RequestedOutput."""

    def __init__(self, name, parameters=None):
        self.name = name
        self.parameters = parameters


class KRequest:
    """kserve.InferRequest."""

    def __init__(self, model_name, infer_inputs, request_id=None,
                 parameters=None, request_outputs=None):
        self.model_name = model_name
        self.inputs = infer_inputs
        self.id = request_id
        self.parameters = parameters
        self.request_outputs = request_outputs

    def to_rest(self):
        """(dict, None) or (bytes, JSON length)."""
        inputs = []
        raws = []
        for i in self.inputs:
            assert i.data is not None or i.raw is not None
            d = {"name": i.name, "shape": i.shape, "datatype": i.datatype}
            if i.parameters:
                d["parameters"] = dict(i.parameters)
            if i.raw:
                raws.append(i.raw)
            else:
                d["data"] = i.data
            inputs.append(d)
        outs = []
        for o in self.request_outputs or []:
            d = {"name": o.name}
            if o.parameters:
                d["parameters"] = dict(o.parameters)
            outs.append(d)
        res = {"id": self.id if self.id else str(uuid.uuid4()),
               "model_name": self.model_name, "inputs": inputs}
        if outs:
            res["outputs"] = outs
        if self.parameters:
            res["parameters"] = dict(self.parameters)
        if raws:
            text = orjson_dumps(res)
            return text + b"".join(raws), len(text)
        return res, None


class KOutputTensor:
    def __init__(self, name, shape, datatype, data, parameters):
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.data = data
        self.parameters = parameters


class KResponse:
    """kserve.InferResponse.from_bytes()."""

    def __init__(self, body, json_length):
        d = json.loads(body[:json_length])
        self.model_name = d["model_name"]
        self.id = d.get("id", None)
        self.parameters = d.get("parameters", None)
        self.outputs = []
        at = json_length
        for out in d["outputs"]:
            params = out.get("parameters", None)
            if params and "binary_data_size" in params:
                end = at + params["binary_data_size"]
                vals = from_buffer(body[at:end], out["datatype"])
                if len(vals) != product(out["shape"]):
                    raise ValueError("%s: cannot reshape" % out["name"])
                # set_data_from_numpy(binary_data=False): BYTES as str
                if out["datatype"] == "BYTES":
                    vals = [v.decode("utf-8") for v in vals]
                data = vals
                at = end
            else:
                data = out.get("data", None)
                if data is None:
                    raise ValueError("'data' field is missing for output"
                                     " '%s'" % out["name"])
            self.outputs.append(KOutputTensor(out["name"], out["shape"],
                                              out["datatype"], data,
                                              params))

    def get_output_by_name(self, name):
        for o in self.outputs:
            if o.name == name:
                return o
        return None


class KServeClient:
    """InferenceRESTClient(RESTConfig(protocol=...)), base URL
    http://127.0.0.1:PORT."""

    def __init__(self, port, protocol):
        self.hostport = "127.0.0.1:%d" % port
        self.protocol = protocol
        self.conn = Conn(port)

    def _call(self, method, path, content=None, headers=None):
        fields = [("Host", self.hostport), ("Accept", "*/*"),
                  ("Accept-Encoding", "gzip, deflate"),
                  ("Connection", "keep-alive"), ("User-Agent", HTTPX_UA)]
        fields += list((headers or {}).items())
        if method == "POST":
            fields.append(("Content-Length", str(len(content or b""))))
        r = self.conn.request(head_bytes(method, path, fields)
                              + (content or b""))
        enc = r.get("Content-Encoding")
        if enc == "gzip":
            r.body = gzip.decompress(r.body)
        elif enc == "deflate":
            r.body = zlib.decompress(r.body)
        return r

    @staticmethod
    def _status_error(r):
        msg = ""
        if r.get("content-type") == "application/json":
            msg = json.loads(r.body)
            if "error" in msg:
                msg = msg["error"]
        return HTTPStatusError(r, msg)

    def is_server_ready(self):
        assert self.protocol == "v2"
        r = self._call("GET", "/v2/health/ready")
        if not 200 <= r.status < 300:
            raise self._status_error(r)
        return json.loads(r.body).get("ready")

    def is_server_live(self):
        assert self.protocol == "v2"
        r = self._call("GET", "/v2/health/live")
        if not 200 <= r.status < 300:
            raise self._status_error(r)
        return json.loads(r.body).get("live")

    def is_model_ready(self, name):
        if self.protocol == "v1":
            r = self._call("GET", "/v1/models/%s" % name)
            if r.status == 503:
                return False
            if not 200 <= r.status < 300:
                raise self._status_error(r)
            return json.loads(r.body).get("ready")
        r = self._call("GET", "/v2/models/%s/ready" % name)
        return 200 <= r.status < 300

    def explain(self, data, model_name):
        path = "/%s/models/%s:explain" % (self.protocol, model_name)
        r = self._call("POST", path, orjson_dumps(data),
                       {"content-type": "application/json"})
        if not 200 <= r.status < 300:
            raise self._status_error(r)
        return json.loads(r.body)

    def infer(self, data, model_name):
        if self.protocol == "v1":
            path = "/v1/models/%s:predict" % model_name
        else:
            path = "/v2/models/%s/infer" % model_name
        headers = {}
        if isinstance(data, KRequest):
            data, json_length = data.to_rest()
            if json_length:
                headers["inference-header-content-length"] = \
                    str(json_length)
                headers["content-type"] = "application/octet-stream"
        if isinstance(data, dict):
            data = orjson_dumps(data)
            if "content-type" not in headers:
                headers["content-type"] = "application/json"
        r = self._call("POST", path, data, headers)
        if not 200 <= r.status < 300:
            raise self._status_error(r)
        if self.protocol == "v2":
            jl = r.get("inference-header-content-length")
            return KResponse(r.body, int(jl if jl is not None
                                         else len(r.body)))
        return json.loads(r.body)


# ---------------------------------------------------------- set-up

TEXT_WORDS = {
    "ham": ["meeting", "agenda", "notes", "lunch", "project", "review",
            "draft", "report", "team", "calendar"],
    "spam": ["free", "winner", "cash", "offer", "prize", "click",
             "urgent", "deal", "bonus", "credit"],
    "both": ["the", "a", "today", "please", "your", "now", "new",
             "message", "update", "info"],
}
SENDERS = ["mail.org", "corp.net", "shop.biz", "news.io"]
LANGS = ["en", "de", "fr"]


def text_csv(path):
    """Generated e-mails: subject, body, sender, lang, n_links, label."""
    rnd = random.Random(1502)

    def words(label, n):
        out = []
        for _ in range(n):
            r = rnd.random()
            other = "spam" if label == "ham" else "ham"
            pool = label if r < 0.4 else other if r < 0.5 else "both"
            out.append(rnd.choice(TEXT_WORDS[pool]))
        return " ".join(out)

    lines = ["subject,body,sender,lang,n_links,label"]
    for _ in range(300):
        label = "spam" if rnd.random() < 0.4 else "ham"
        lines.append(",".join([
            words(label, 1 + rnd.randrange(4)),
            words(label, 3 + rnd.randrange(12)),
            rnd.choice(SENDERS), rnd.choice(LANGS),
            str(rnd.randrange(6 if label == "spam" else 3)), label]))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


TEXT_YAML = """name: text
data: %s
label: label
classes: [ham, spam]
split: {test_fraction: 0.2, seed: 42, stratify: true}
features:
  - {name: subject, type: text, n_features: 1024, ngram_range: [1, 2]}
  - {name: body, type: text, n_features: 1024, ngram_range: [1, 2]}
  - {name: sender, type: category, unknown: ignore}
  - {name: lang, type: category}
  - {name: n_links, type: integer, min: 0}
model: {kind: logreg, l2: 1.0}
"""

NGINX_CONF = """load_module %(module)s;
worker_processes 2;
pid %(tmp)s/nginx.pid;
error_log %(tmp)s/error.log info;
events { worker_connections 64; }
http {
    client_body_temp_path %(tmp)s/client_body;
    proxy_temp_path %(tmp)s/proxy;
    fastcgi_temp_path %(tmp)s/fastcgi;
    uwsgi_temp_path %(tmp)s/uwsgi;
    scgi_temp_path %(tmp)s/scgi;
    access_log %(tmp)s/access.log;
    mlclf_zone mlclf:1m;
    mlclf_model iris %(tmp)s/reg/iris;
    mlclf_model text %(tmp)s/reg/text;
    server {
        listen 127.0.0.1:%(port)d;
        client_body_buffer_size 1m;
        location = /predict/iris { mlclf_predict iris; }
        location = /predict/text { mlclf_predict text; }
        # NGINX's default buffer (16k): a 1000-row batch is read into
        # a temporary file
        location /v2 { client_body_buffer_size 16k; mlclf_v2; }
        location /v1 { mlclf_v1; }
    }
}
"""


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       **kw)
    if p.returncode != 0:
        die("%s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode,
                                          p.stdout.decode(errors="replace")))


def setup(tmp):
    train = os.path.join(BUILD, "bin", "mlclf-train")
    module = os.path.join(BUILD, "modules", "ngx_http_mlclf_module.so")
    for f in (train, module, NGINX):
        if not os.access(f, os.X_OK if f != module else os.R_OK):
            die("%s not found: make bins module (nginx: "
                "scripts/install-deps.sh)" % f)
    # as NGINX binds (SO_REUSEADDR): only a listener makes it busy,
    # not the TIME-WAIT connections of a run that just ended
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", PORT))
    except OSError:
        die("port %d is in use: stop what listens there, or choose "
            "another (make check-kserve-clients PORT=N)" % PORT)
    finally:
        probe.close()
    reg = os.path.join(tmp, "reg")
    run([train, "--config", "conf/iris-logreg.yaml", "--registry", reg,
         "--promote", "--quiet"], cwd=ROOT)
    text_csv(os.path.join(tmp, "mail.csv"))
    with open(os.path.join(tmp, "text.yaml"), "w") as f:
        f.write(TEXT_YAML % os.path.join(tmp, "mail.csv"))
    run([train, "--config", os.path.join(tmp, "text.yaml"), "--registry",
         reg, "--promote", "--quiet"], cwd=ROOT)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF % {"module": module, "tmp": tmp, "port": PORT})
    cmd = [NGINX, "-p", tmp, "-c", conf, "-e", os.path.join(tmp,
                                                           "error.log")]
    run(cmd + ["-t"])
    ngx = subprocess.Popen(cmd + ["-g", "daemon off;"],
                           stdout=subprocess.DEVNULL,
                           stderr=open(os.path.join(tmp, "stderr.log"), "w"))
    # up when it accepts a connection; no time limit: a NGINX that
    # dies ends the wait
    while True:
        if ngx.poll() is not None:
            die("nginx exited %d; %s/error.log" % (ngx.returncode, tmp))
        try:
            socket.create_connection(("127.0.0.1", PORT)).close()
            break
        except OSError:
            time.sleep(0.05)
    return ngx


# ------------------------------------------------- the /predict side

def iris_rows():
    rows = []
    with open(os.path.join(ROOT, "data", "raw", "iris.csv")) as f:
        next(f)
        for line in f:
            if line.strip():
                rows.append([float(x) for x in line.split(",")[:4]])
    return rows


def predict_reply(conn, model, rows, probabilities):
    """The parsed reply of /predict for a batch of these rows."""
    req = {"instances": rows}
    if probabilities:
        req["probabilities"] = True
    body = json.dumps(req, ensure_ascii=False).encode("utf-8")
    r = conn.request(head_bytes("POST", "/predict/" + model, [
        ("Host", "127.0.0.1"), ("Content-Type", "application/json"),
        ("Content-Length", str(len(body)))]) + body)
    if r.status != 200:
        die("/predict/%s: %r" % (model, r))
    return json.loads(r.body)


def predict(conn, model, rows):
    """/predict of the rows, probabilities on: [(label, {class: p})]."""
    return [(p["prediction"], p["probabilities"])
            for p in predict_reply(conn, model, rows, True)["predictions"]]


def bits(x):
    return struct.pack("<d", x)


def same_probs(got, want):
    """got: flat row-major doubles; want: [{class: p}] in class order;
    equal bit for bit."""
    flat = [p for row in want for p in row[1].values()]
    return len(got) == len(flat) and \
        all(bits(a) == bits(b) for a, b in zip(got, flat))


def shortest(x):
    return repr(float(x))


def parse_class_string(s):
    value, index, label = s.split(":", 2)
    return float(value), int(index), label


def check_classes(got, shape, want, k, name):
    """got: flat BYTES values of a classification output."""
    if not T.eq(shape, [len(want), k], name + ": shape [N, k]"):
        return
    good = True
    detail = []
    for r, (_, probs) in enumerate(want):
        ranked = sorted(enumerate(probs.items()), key=lambda e: -e[1][1])
        for j in range(k):
            s = got[r * k + j]
            s = s.decode("utf-8") if isinstance(s, bytes) else s
            try:
                value, index, label = parse_class_string(s)
            except ValueError:
                good = False
                detail.append("row %d: %r is no value:index:label"
                              % (r, s))
                continue
            i, (lab, p) = ranked[j]
            if bits(value) != bits(p) or index != i or label != lab:
                good = False
                detail.append("row %d #%d: %r, want %s:%d:%s"
                              % (r, j, s, shortest(p), i, lab))
    T.ok(good, name + ": <p>:<index>:<label>, highest first, p exact",
         "\n".join(detail[:10]))


def expect_error(fn, status, name):
    """fn() must raise the client's error with this status (an int or a
    tuple of them) and a message from {"error": ...}."""
    statuses = status if isinstance(status, tuple) else (status,)
    try:
        fn()
    except ClientError as e:
        T.ok(e.status in statuses and
             not e.msg.startswith("client could not decode"),
             name + ": %s and its {\"error\"}" % (statuses,), str(e))
        return
    except HTTPStatusError as e:
        T.ok(e.reply.status in statuses and isinstance(e.msg, str)
             and e.msg != "",
             name + ": %s, Content-Type application/json and its "
             "{\"error\"}" % (statuses,),
             "%s; Content-Type %r" % (e, e.reply.get("Content-Type")))
        return
    T.ok(False, name + ": an error", "no error raised")


# ------------------------------------------------------------ checks

def iris_tensor(rows, datatype):
    return Array([v for row in rows for v in row], [len(rows), 4],
                  datatype)


def as_served(rows, datatype):
    """The rows as the server must read them from a binary tensor, or
    from tritonclient's JSON (the float32 values widened): FP32 is
    float32."""
    if datatype == "FP32":
        return [[f32(v) for v in row] for row in rows]
    return rows


def triton_checks(pc, rows):
    c = TritonClient(PORT)
    T.ok(c.is_server_live(), "triton: is_server_live")
    T.ok(c.is_server_ready(), "triton: is_server_ready")
    T.ok(c.is_model_ready("iris"), "triton: is_model_ready(iris)")
    T.ok(c.is_model_ready("iris", "v1"), "triton: is_model_ready(iris, v1)")
    T.ok(c.is_model_ready("iris", "1"),
         "triton: is_model_ready(iris, 1), the version as a number")
    T.ok(not c.is_model_ready("iris", "v9"),
         "triton: is_model_ready(iris, v9) is false")
    T.ok(not c.is_model_ready("nosuch"),
         "triton: is_model_ready(nosuch) is false")

    md = c.get_server_metadata()
    T.ok(isinstance(md.get("name"), str) and isinstance(md.get("version"),
                                                       str),
         "triton: server metadata name and version", md)
    ext = md.get("extensions")
    T.ok(isinstance(ext, list) and "binary_tensor_data" in ext
         and "classification" in ext,
         "triton: server extensions list binary_tensor_data and "
         "classification", md)

    for version in ("", "v1"):
        mm = c.get_model_metadata("iris", version)
        T.eq((mm.get("name"), mm.get("versions"), mm.get("platform")),
             ("iris", ["v1"], "mlclf"),
             "triton: model metadata (%s) name, versions, platform"
             % (version or "no version"))
        ins = {i["name"]: (i["datatype"], i["shape"])
               for i in mm.get("inputs", [])}
        T.eq(ins, {"features": ("FP64", [-1, 4]),
                   "sepal_length": ("FP64", [-1]),
                   "sepal_width": ("FP64", [-1]),
                   "petal_length": ("FP64", [-1]),
                   "petal_width": ("FP64", [-1])},
             "triton: model metadata inputs")
        outs = {o["name"]: (o["datatype"], o["shape"])
                for o in mm.get("outputs", [])}
        # explanation: [N, n_outputs, n_inputs + 1], the iris logreg's
        # three softmax margins over its four inputs and the base
        T.eq(outs, {"probabilities": ("FP64", [-1, 3]),
                    "label": ("BYTES", [-1]),
                    "explanation": ("FP64", [-1, 3, 5])},
             "triton: model metadata outputs")
    expect_error(lambda: c.get_model_metadata("iris", "v9"), 404,
                 "triton: metadata of version v9")
    expect_error(lambda: c.get_model_metadata("nosuch"), (400, 404),
                 "triton: metadata of an unknown model")

    # one FP32 row, binary (the defaults): every output binary
    one = rows[:1]
    want = predict(pc, "iris", as_served(one, "FP32"))
    inp = TritonInput("features", [1, 4], "FP32")
    inp.set_data_from_numpy(iris_tensor(one, "FP32"))
    res = c.infer("iris", [inp])
    T.ok(res.get_response().get("model_name") == "iris"
         and res.get_response().get("model_version") == "v1",
         "triton fp32 [1,4] binary: model_name, model_version",
         res.get_response())
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and probs[1] == [1, 3]
         and same_probs(probs[0], want),
         "triton fp32 [1,4] binary: probabilities bit for bit /predict's",
         "%r\n%r" % (probs, want))
    T.eq(res.as_numpy("label"), ([want[0][0].encode()], [1]),
         "triton fp32 [1,4] binary: label")
    T.ok(all("binary_data_size" in (o.get("parameters") or {})
             for o in res.get_response()["outputs"]),
         "triton: binary_data_output makes every output binary",
         res.get_response())

    # FP64 [1,4] JSON both ways, an id
    want = predict(pc, "iris", one)
    inp = TritonInput("features", [1, 4], "FP64")
    inp.set_data_from_numpy(iris_tensor(one, "FP64"), binary_data=False)
    res = c.infer("iris", [inp], request_id="r-1",
                  outputs=[TritonOutput("probabilities", False),
                           TritonOutput("label", False)])
    r = res.get_response()
    T.eq(r.get("id"), "r-1", "triton fp64 [1,4] json: id echoed")
    T.ok(all("data" in o for o in r["outputs"]),
         "triton fp64 [1,4] json: outputs in JSON", r)
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton fp64 [1,4] json: probabilities bit for bit",
         "%r\n%r" % (probs, want))
    T.eq(res.as_numpy("label"), ([want[0][0].encode()], [1]),
         "triton fp64 [1,4] json: label")

    # 100 rows, FP64 binary in, only probabilities, binary out; with
    # the version in the path
    batch = [rows[(7 * i) % len(rows)] for i in range(100)]
    want = predict(pc, "iris", batch)
    inp = TritonInput("features", [100, 4], "FP64")
    inp.set_data_from_numpy(iris_tensor(batch, "FP64"))
    res = c.infer("iris", [inp], model_version="v1",
                  outputs=[TritonOutput("probabilities")])
    names = [o["name"] for o in res.get_response()["outputs"]]
    T.eq(names, ["probabilities"], "triton fp64 [100,4]: only the output"
         " asked for")
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and probs[1] == [100, 3]
         and same_probs(probs[0], want),
         "triton fp64 [100,4] binary: probabilities bit for bit")

    # mlclf_max_rows (1000) rows, binary and JSON, each body over the
    # 16k buffer; one row more is a 413
    big = [rows[(13 * i) % len(rows)] for i in range(1000)]
    want = predict(pc, "iris", big)
    for binary in (True, False):
        inp = TritonInput("features", [1000, 4], "FP64")
        inp.set_data_from_numpy(iris_tensor(big, "FP64"), binary_data=binary)
        res = c.infer("iris", [inp], outputs=[TritonOutput("probabilities")])
        probs = res.as_numpy("probabilities")
        T.ok(probs is not None and same_probs(probs[0], want),
             "triton fp64 [1000,4] %s, body in a temporary file: "
             "probabilities bit for bit" % ("binary" if binary else "json"))
    inp = TritonInput("features", [1001, 4], "FP64")
    inp.set_data_from_numpy(iris_tensor(big + big[:1], "FP64"))
    expect_error(lambda: c.infer("iris", [inp]), 413,
                 "triton fp64 [1001,4], over mlclf_max_rows")

    # FP32 [100,4] binary in
    want = predict(pc, "iris", as_served(batch, "FP32"))
    inp = TritonInput("features", [100, 4], "FP32")
    inp.set_data_from_numpy(iris_tensor(batch, "FP32"))
    res = c.infer("iris", [inp], outputs=[TritonOutput("probabilities")])
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton fp32 [100,4] binary: probabilities bit for bit")

    # FP32 [100,4] JSON in, label binary and probabilities JSON
    inp = TritonInput("features", [100, 4], "FP32")
    inp.set_data_from_numpy(iris_tensor(batch, "FP32"), binary_data=False)
    res = c.infer("iris", [inp], outputs=[TritonOutput("label", True),
                                          TritonOutput("probabilities",
                                                       False)])
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton fp32 [100,4] json: probabilities bit for bit")
    T.eq(res.as_numpy("label"), ([w[0].encode() for w in want], [100]),
         "triton fp32 [100,4]: binary label after a JSON output")

    # classification extension, JSON and binary
    for binary in (False, True):
        res = c.infer("iris", [inp], outputs=[
            TritonOutput("probabilities", binary, class_count=2)])
        o = res.get_response()["outputs"][0]
        T.eq(o["datatype"], "BYTES", "triton class_count=2 %s: BYTES"
             % ("binary" if binary else "json"))
        got = res.as_numpy("probabilities")
        if T.ok(got is not None, "triton class_count=2: output there"):
            check_classes(got[0], got[1], want, 2, "triton class_count=2 "
                          + ("binary" if binary else "json"))
    res = c.infer("iris", [inp], outputs=[
        TritonOutput("probabilities", False, class_count=3)])
    got = res.as_numpy("probabilities")
    check_classes(got[0], got[1], want, 3, "triton class_count=3")

    # per-feature inputs, [N, 1] binary FP64 and [N] JSON INT64
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    want = predict(pc, "iris", batch)
    ins = []
    for j, n in enumerate(names):
        i = TritonInput(n, [100, 1], "FP64")
        i.set_data_from_numpy(Array([row[j] for row in batch], [100, 1],
                                    "FP64"))
        ins.append(i)
    res = c.infer("iris", ins, request_id="per-feature")
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton per-feature [100,1] fp64 binary: probabilities bit for "
         "bit")
    T.eq(res.get_response().get("id"), "per-feature",
         "triton per-feature: id echoed")
    ints = [[float(int(v * 10)) for v in row] for row in batch]
    want = predict(pc, "iris", ints)
    ins = []
    for j, n in enumerate(names):
        i = TritonInput(n, [100], "INT64")
        i.set_data_from_numpy(Array([int(row[j]) for row in ints], [100],
                                    "INT64"), binary_data=False)
        ins.append(i)
    res = c.infer("iris", ins, outputs=[TritonOutput("probabilities")])
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton per-feature [100] int64 json: probabilities bit for bit")

    # other integer types and BOOL, binary and JSON
    small = [[5.0, 3.0, 1.0, 0.0]]
    want = predict(pc, "iris", small)
    for dt in ("INT32", "UINT8", "INT16", "UINT64", "INT8", "UINT32"):
        for binary in (True, False):
            i = TritonInput("features", [1, 4], dt)
            i.set_data_from_numpy(Array([int(v) for v in small[0]],
                                        [1, 4], dt), binary_data=binary)
            res = c.infer("iris", [i])
            probs = res.as_numpy("probabilities")
            T.ok(probs is not None and same_probs(probs[0], want),
                 "triton %s [1,4] %s: probabilities bit for bit"
                 % (dt, "binary" if binary else "json"))
    flags = [[1.0, 0.0, 1.0, 1.0]]
    want = predict(pc, "iris", flags)
    for binary in (True, False):
        i = TritonInput("features", [1, 4], "BOOL")
        i.set_data_from_numpy(Array([v == 1.0 for v in flags[0]], [1, 4],
                                    "BOOL"), binary_data=binary)
        res = c.infer("iris", [i])
        probs = res.as_numpy("probabilities")
        T.ok(probs is not None and same_probs(probs[0], want),
             "triton BOOL [1,4] %s: true is 1, false 0"
             % ("binary" if binary else "json"))

    # JSON in, no outputs named: binary_data_output, every output binary
    want = predict(pc, "iris", one)
    i = TritonInput("features", [1, 4], "FP64")
    i.set_data_from_numpy(iris_tensor(one, "FP64"), binary_data=False)
    res = c.infer("iris", [i], model_version="1")
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want)
         and res.as_numpy("label") == ([want[0][0].encode()], [1]),
         "triton json in, binary out, version 1: probabilities, label")

    # priority, timeout and a custom parameter are ignored
    i = TritonInput("features", [1, 4], "FP64")
    i.set_data_from_numpy(iris_tensor(one, "FP64"))
    want = predict(pc, "iris", one)
    res = c.infer("iris", [i], priority=1, timeout=1000,
                  parameters={"my_param": "x", "n": 3})
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton: priority, timeout, custom parameters ignored")

    # compressed bodies: 415 {"error"}, or decoded
    for algo in ("gzip", "deflate"):
        try:
            res = c.infer("iris", [i], request_compression_algorithm=algo)
            probs = res.as_numpy("probabilities")
            T.ok(probs is not None and same_probs(probs[0], want),
                 "triton %s request: decoded, probabilities bit for bit"
                 % algo)
        except ClientError as e:
            T.ok(e.status == 415 and not e.msg.startswith("client could"),
                 "triton %s request: 415 and its {\"error\"}" % algo, e)
    # Accept-Encoding: a compressed reply is undone as the client does
    res = c.infer("iris", [i], response_compression_algorithm="gzip")
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton Accept-Encoding gzip: probabilities bit for bit")

    # errors as the client reports them
    expect_error(lambda: c.infer("iris", [i], model_version="v9"), 404,
                 "triton infer version v9")
    expect_error(lambda: c.infer("nosuch", [i]), (400, 404),
                 "triton infer unknown model")
    expect_error(lambda: c.infer("iris", [i], outputs=[
        TritonOutput("scores")]), 400, "triton unknown output")
    expect_error(lambda: c.infer("iris", [i], outputs=[
        TritonOutput("probabilities", class_count=4)]), 400,
        "triton class_count=4 of 3 classes")
    bad = TritonInput("features", [1, 3], "FP64")
    bad.set_data_from_numpy(Array(one[0][:3], [1, 3], "FP64"))
    expect_error(lambda: c.infer("iris", [bad]), 400,
                 "triton [1,3] tensor for 4 features")
    bad = TritonInput("features", [1, 4], "FP16")
    bad.raw = b"\0" * 8
    bad.parameters["binary_data_size"] = 8
    expect_error(lambda: c.infer("iris", [bad]), 400,
                 "triton FP16 tensor")
    # the connection still works after all these errors
    res = c.infer("iris", [i])
    probs = res.as_numpy("probabilities")
    T.ok(probs is not None and same_probs(probs[0], want),
         "triton: the kept-alive connection serves after the errors")
    c.conn.close()


TEXT_ROWS = [
    {"subject": "free cash now", "body": "click the offer, urgent prize",
     "sender": "shop.biz", "lang": "en", "n_links": 4},
    {"subject": "meeting agenda", "body": "notes of the project review",
     "sender": "corp.net", "lang": "de", "n_links": 0},
    {"subject": "Caf\u00e9 \u6771\u4eac", "body": "",
     "sender": "unseen.example", "lang": "fr", "n_links": 1},
]


def text_checks(pc):
    want = predict(pc, "text", TEXT_ROWS)
    n = len(TEXT_ROWS)
    c = TritonClient(PORT)
    mm = c.get_model_metadata("text")
    ins = {i["name"]: (i["datatype"], i["shape"])
           for i in mm.get("inputs", [])}
    T.eq({k: v[0] for k, v in ins.items()},
         {"subject": "BYTES", "body": "BYTES", "sender": "BYTES",
          "lang": "BYTES", "n_links": "FP64"},
         "triton text: metadata inputs, BYTES for text and category")
    T.ok("features" not in ins, "triton text: no FP64 features tensor")

    def inputs(binary, make):
        out = []
        for name in ("subject", "body", "sender", "lang", "n_links"):
            vals = [r[name] for r in TEXT_ROWS]
            if name == "n_links":
                arr = Array(vals, [n], "INT64")
            else:
                arr = Array([v.encode("utf-8") for v in vals], [n], "BYTES")
            i = make(name, [n], arr.datatype)
            i.set_data_from_numpy(arr, binary_data=binary)
            out.append(i)
        return out

    for binary in (True, False):
        how = "binary" if binary else "json"
        res = c.infer("text", inputs(binary, TritonInput),
                      outputs=[TritonOutput("probabilities", binary),
                               TritonOutput("label", binary)])
        probs = res.as_numpy("probabilities")
        T.ok(probs is not None and same_probs(probs[0], want),
             "triton text BYTES %s: probabilities bit for bit" % how,
             "%r\n%r" % (probs, want))
        T.eq(res.as_numpy("label"), ([w[0].encode() for w in want], [n]),
             "triton text BYTES %s: labels" % how)
    c.conn.close()

    k = KServeClient(PORT, "v2")
    for binary in (True, False):
        how = "binary" if binary else "json"
        res = k.infer(KRequest("text", inputs(binary, KInput),
                               request_id="text-" + how), "text")
        T.eq(res.id, "text-" + how, "kserve text %s: id echoed" % how)
        p = res.get_output_by_name("probabilities")
        T.ok(p is not None and same_probs(flatten(p.data), want),
             "kserve text BYTES %s: probabilities bit for bit" % how)
        lab = res.get_output_by_name("label")
        T.ok(lab is not None and flatten(lab.data) == [w[0] for w in want],
             "kserve text BYTES %s: labels" % how,
             lab and lab.data)
    k.conn.close()


def kserve_v2_checks(pc, rows):
    k = KServeClient(PORT, "v2")
    T.eq(k.is_server_ready(), True, "kserve v2: is_server_ready")
    T.eq(k.is_server_live(), True, "kserve v2: is_server_live")
    T.eq(k.is_model_ready("iris"), True, "kserve v2: is_model_ready(iris)")
    T.eq(k.is_model_ready("nosuch"), False,
         "kserve v2: is_model_ready(nosuch) is false")

    # data as nested lists, FP32, no id: a uuid4 the server echoes.
    # mlclf reads a JSON number as the double it spells, whatever the
    # datatype (range-checked against it), so the row is /predict's
    # row as written; Triton's and KServe's own servers would round
    # it to float32 first (5.1 -> 5.099999904632568).
    one = rows[:1]
    want = predict(pc, "iris", one)
    req = KRequest("iris", [KInput("features", [1, 4], "FP32",
                                   data=[list(one[0])])])
    body, _ = req.to_rest()
    res = k.infer(KRequest("iris", req.inputs, request_id=body["id"]),
                  "iris")
    T.eq(res.id, body["id"], "kserve v2 fp32 nested json: uuid id echoed")
    T.eq(res.model_name, "iris", "kserve v2: model_name")
    p = res.get_output_by_name("probabilities")
    T.ok(p is not None and p.shape == [1, 3]
         and same_probs(flatten(p.data), want),
         "kserve v2 fp32 nested json: probabilities bit for bit",
         "%r\n%r" % (p and p.data, want))
    lab = res.get_output_by_name("label")
    T.ok(lab is not None and lab.data == [want[0][0]],
         "kserve v2: label", lab and lab.data)

    # the codec hints KServe's own servers read ("content_type" of an
    # input or of the request, set by the caller): ignored here
    req = KRequest("iris", [KInput("features", [1, 4], "FP64",
                                   data=list(one[0]),
                                   parameters={"content_type": "np"})],
                   parameters={"content_type": "np"})
    res = k.infer(req, "iris")
    p = res.get_output_by_name("probabilities")
    T.ok(p is not None and same_probs(flatten(p.data), want),
         "kserve v2 content_type parameters: ignored")

    # 100 FP64 rows binary in, binary_data_output: every output binary
    batch = [rows[(11 * i) % len(rows)] for i in range(100)]
    want = predict(pc, "iris", batch)
    i = KInput("features", [100, 4], "FP64")
    i.set_data_from_numpy(iris_tensor(batch, "FP64"))
    res = k.infer(KRequest("iris", [i], parameters={
        "binary_data_output": True}), "iris")
    p = res.get_output_by_name("probabilities")
    T.ok(p is not None and p.parameters and "binary_data_size" in
         p.parameters and same_probs(p.data, want),
         "kserve v2 fp64 [100,4] binary both ways: probabilities bit for "
         "bit")
    lab = res.get_output_by_name("label")
    T.ok(lab is not None and lab.data == [w[0] for w in want],
         "kserve v2 fp64 [100,4] binary: labels")

    # one output asked for, binary; classification as a parameter
    res = k.infer(KRequest("iris", [i], request_outputs=[
        KOutput("probabilities", {"binary_data": True})]), "iris")
    T.eq([o.name for o in res.outputs], ["probabilities"],
         "kserve v2: only the output asked for")
    T.ok(same_probs(res.outputs[0].data, want),
         "kserve v2 binary output: probabilities bit for bit")
    res = k.infer(KRequest("iris", [i], request_outputs=[
        KOutput("probabilities", {"classification": 2})]), "iris")
    o = res.get_output_by_name("probabilities")
    check_classes(o.data, o.shape, want, 2, "kserve v2 classification 2")

    expect_error(lambda: k.infer(KRequest("iris", [i], request_outputs=[
        KOutput("nosuch")]), "iris"), 400, "kserve v2 unknown output")
    bad = KInput("features", [2, 4], "FP64", data=[1.0, 2.0, 3.0])
    expect_error(lambda: k.infer(KRequest("iris", [bad]), "iris"), 400,
                 "kserve v2 shape [2,4] with 3 values")
    bad = KInput("features", [1, 4], "FP64", data=[[1.0, 2.0, 3.0, 4.0]],
                 parameters={"binary_data_size": 4096})
    expect_error(lambda: k.infer(KRequest("iris", [bad]), "iris"), 400,
                 "kserve v2 binary_data_size over the body")
    expect_error(lambda: k.infer(KRequest("nosuch", [i]), "nosuch"),
                 (400, 404), "kserve v2 unknown model")
    k.conn.close()


def kserve_v1_checks(pc, rows):
    k = KServeClient(PORT, "v1")
    T.eq(k.is_model_ready("iris"), True, "kserve v1: is_model_ready(iris)")
    r = k._call("GET", "/v1/models")
    listed = json.loads(r.body).get("models") if r.status == 200 else r
    T.ok(isinstance(listed, list) and sorted(listed) == ["iris", "text"],
         "kserve v1: GET /v1/models lists both models", listed)
    r = k._call("GET", "/v1/models/iris")
    T.eq(json.loads(r.body) if r.status == 200 else r,
         {"name": "iris", "ready": True}, "kserve v1: GET /v1/models/iris")

    # each prediction as /predict's batch has it: {"prediction",
    # "confidence"} (docs/kserve.md)
    batch = rows[:5] + rows[60:65] + rows[120:125]
    want = predict_reply(pc, "iris", batch, False)["predictions"]
    out = k.infer({"instances": batch}, "iris")
    T.eq(out.get("predictions"), want,
         "kserve v1: the predictions are /predict's")
    out = k.infer({"instances": TEXT_ROWS}, "text")
    want = predict_reply(pc, "text", TEXT_ROWS, False)["predictions"]
    T.eq(out.get("predictions"), want,
         "kserve v1 text rows by name: the predictions are /predict's")
    expect_error(lambda: k.infer({"instances": [[1.0, 2.0]]}, "iris"), 400,
                 "kserve v1 a row of 2 features")
    expect_error(lambda: k.infer({"inputs": [[1.0, 2.0, 3.0, 4.0]]},
                                 "iris"), 400,
                 "kserve v1 no instances")
    # V1's :explain is not served: a clear 4xx the client reports
    expect_error(lambda: k.explain({"instances": batch}, "iris"),
                 (400, 404, 405), "kserve v1 :explain")
    # only a 503 is "not ready" to this client; KServe's own server
    # answers 404 for a model it does not have, and so does mlclf_v1
    expect_error(lambda: k.is_model_ready("nosuch"), 404,
                 "kserve v1 is_model_ready(nosuch)")
    k.conn.close()


def main():
    tmp = tempfile.mkdtemp(prefix="kserve-clients-",
                           dir=os.environ.get("MLCLF_KSERVE_TMP"))
    # run as root, NGINX's workers are nobody: they must reach the
    # temporary files below it
    os.chmod(tmp, 0o755)
    try:
        ngx = setup(tmp)
    except SystemExit:
        print("# set-up failed; kept %s" % tmp)
        raise
    try:
        pc = Conn(PORT)
        rows = iris_rows()
        for part in (lambda: triton_checks(pc, rows),
                     lambda: text_checks(pc),
                     lambda: kserve_v2_checks(pc, rows),
                     lambda: kserve_v1_checks(pc, rows)):
            try:
                part()
            except Exception as e:
                T.ok(False, "a client call raised %s: %s"
                     % (type(e).__name__, e))
        pc.close()
    finally:
        ngx.send_signal(signal.SIGQUIT)
        ngx.wait()
    with open(os.path.join(tmp, "error.log")) as f:
        bad = [line for line in f if "[alert]" in line or "[crit]" in line
               or "[emerg]" in line]
    T.ok(not bad, "no alert or crit in error.log", "".join(bad[:5]))
    print("1..%d" % T.n)
    if T.failed:
        print("# %d of %d failed; kept %s" % (T.failed, T.n, tmp))
        return 1
    shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
