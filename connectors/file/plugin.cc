// The file plugin: registers the file source and sink with sluice-plugin-host.
#include "connectors/file/file_stream_sink.h"
#include "connectors/file/file_stream_source.h"
#include "sluice/sdk/plugin.h"

using sluice::connectors::file::FileStreamSinkConnector;
using sluice::connectors::file::FileStreamSinkTask;
using sluice::connectors::file::FileStreamSourceConnector;
using sluice::connectors::file::FileStreamSourceTask;

SLUICE_PLUGIN(registrar) {
  registrar.SetPlugin("file", sluice::connectors::file::kFileConnectorVersion);
  registrar.AddSource<FileStreamSourceConnector, FileStreamSourceTask>(
      {.class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
       .aliases = {"FileStreamSource", "FileStreamSourceConnector"},
       .task_class_name = "org.apache.kafka.connect.file.FileStreamSourceTask"});
  registrar.AddSink<FileStreamSinkConnector, FileStreamSinkTask>(
      {.class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
       .aliases = {"FileStreamSink", "FileStreamSinkConnector"},
       .task_class_name = "org.apache.kafka.connect.file.FileStreamSinkTask"});
}
