#!/usr/bin/env python3
"""A lava.v1 client in Python, as a scheduler written in Python would use the service.

Stubs come from the service's own protos (Debian: python3-grpcio python3-grpc-tools):

    python3 -m grpc_tools.protoc -I src/LavaAccel.Api/Protos --python_out=stubs \
        --grpc_python_out=stubs src/LavaAccel.Api/Protos/lava/v1/*.proto
    PYTHONPATH=stubs LAVA_TOKEN=$(cat ~/.lava/service/admin.token) \
        python3 docs/examples/python/lava_client.py localhost:7800 saxpy.lava   # from: lava pack kernels/saxpy.cl -o saxpy.lava

It lists the devices, uploads a package (made by `lava pack`), submits a saxpy job, follows it to
its end, reads its output buffer (.npy bytes) and shows how errors carry google.rpc.Status details.
"""
import hashlib
import os
import struct
import sys

import grpc
from google.protobuf import any_pb2  # noqa: F401  (the details below are Any messages)

from lava.v1 import devices_pb2, devices_pb2_grpc, jobs_pb2, jobs_pb2_grpc, packages_pb2, packages_pb2_grpc


def main(address: str, package_file: str) -> int:
    token = os.environ["LAVA_TOKEN"]
    metadata = [("authorization", f"Bearer {token}")]
    with grpc.insecure_channel(address) as channel:
        devices = devices_pb2_grpc.DeviceServiceStub(channel)
        packages = packages_pb2_grpc.PackageServiceStub(channel)
        jobs = jobs_pb2_grpc.JobServiceStub(channel)

        for device in devices.ListDevices(devices_pb2.ListDevicesRequest(), metadata=metadata).devices:
            print(f"device {device.id} {device.kind} targets={len(device.targets)}")

        # Upload the package in chunks (1 MiB each; one is enough here).
        data = open(package_file, "rb").read()
        chunks = (packages_pb2.PackageChunk(data=data[i:i + (1 << 20)]) for i in range(0, len(data), 1 << 20))
        package = packages.UploadPackage(chunks, metadata=metadata)
        print(f"package {package.digest}")

        n = 1024
        request = jobs_pb2.SubmitJobRequest(package_digest=package.digest, kernel="saxpy")
        request.global_size.append(n)  # "global" is a Python keyword: the field is global_size
        request.arguments.add(name="a", text="2")
        request.arguments.add(name="x", text=f"range:{n}")
        request.arguments.add(name="y", text=f"ones:{n}")
        job = jobs.SubmitJob(request, metadata=metadata)
        print(f"submitted {job.id}")
        for update in jobs.WatchJob(jobs_pb2.GetJobRequest(id=job.id), metadata=metadata):
            job = update
        print(f"job {job.id} {job.state} on {job.node} ({job.target}), kernel {job.kernel_ms:.3f} ms")
        if job.state != "succeeded":
            print(f"error: {job.error}", file=sys.stderr)
            return 1
        outputs = jobs.GetOutputs(jobs_pb2.GetJobRequest(id=job.id), metadata=metadata)
        y = read_npy_floats(outputs.outputs[0].npy)
        print(f"y[0]={y[0]:g} y[{n - 1}]={y[-1]:g}")  # 2*i + 1
        assert y[n - 1] == 2 * (n - 1) + 1

        # Errors: a status code, a message, and google.rpc.Status details in the trailers.
        try:
            devices.ListDevices(devices_pb2.ListDevicesRequest(kind="banana"), metadata=metadata)
        except grpc.RpcError as error:
            details = dict(error.trailing_metadata()).get("grpc-status-details-bin", b"")
            print(f"error {error.code().name}: {error.details()} (details: {len(details)} bytes, sha256 {hashlib.sha256(details).hexdigest()[:12]})")
    return 0


def read_npy_floats(npy: bytes):
    """A 1-D little-endian float32 .npy (what lava returns for a float buffer)."""
    header_length = struct.unpack_from("<H", npy, 8)[0]
    data = npy[10 + header_length:]
    return struct.unpack(f"<{len(data) // 4}f", data)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
