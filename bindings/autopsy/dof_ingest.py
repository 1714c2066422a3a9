# -*- coding: utf-8 -*-
"""Docker forensics (dof) - an Autopsy data-source ingest module (Jython).

For each data source: run `dof ingest` on its image paths into a case
database in the case's module directory, read it over JDBC, and post
Docker containers, images, log entries and container file changes as
data artifacts and dof's findings as analysis results, attached to the
matching files of the data source (config.v2.json, files of the layers,
log files).  What is posted is decided in dof_mapping.py; this file only
holds the Autopsy calls.  Installation: doc/bindings.md.

The dof binary: $DOF_BIN, else `dof` next to this file, else on PATH.
"""
import os
import subprocess

import jarray  # noqa: F401 (Jython)
from java.util import ArrayList
from java.util.logging import Level
from org.sleuthkit.autopsy.casemodule import Case
from org.sleuthkit.autopsy.coreutils import Logger
from org.sleuthkit.autopsy.ingest import (DataSourceIngestModule,
                                          IngestMessage, IngestModule,
                                          IngestModuleFactoryAdapter,
                                          IngestServices)
from org.sleuthkit.datamodel import (BlackboardArtifact, BlackboardAttribute,
                                     Score)

import dof_mapping

MODULE_NAME = "Docker Forensics (dof)"


def find_dof():
    env = os.environ.get("DOF_BIN")
    if env and os.access(env, os.X_OK):
        return env
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dof")
    if os.access(here, os.X_OK):
        return here
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, "dof")
        if os.access(p, os.X_OK):
            return p
    return None


class DofIngestModuleFactory(IngestModuleFactoryAdapter):
    moduleName = MODULE_NAME

    def getModuleDisplayName(self):
        return self.moduleName

    def getModuleDescription(self):
        return ("Runs dof ingest on the data source's images and posts "
                "Docker containers, images, logs, container file changes "
                "and findings")

    def getModuleVersionNumber(self):
        return "0.1.0"

    def isDataSourceIngestModuleFactory(self):
        return True

    def createDataSourceIngestModule(self, ingestOptions):
        return DofIngestModule()


class AutopsyApi(object):
    """The thin Autopsy side of dof_mapping.post_all."""

    def __init__(self, case, data_source, context):
        self.case = case
        self.ds = data_source
        self.context = context
        self.blackboard = case.getSleuthkitCase().getBlackboard()
        self.fm = case.getServices().getFileManager()

    def artifact_type(self, name, display, category):
        cat = (BlackboardArtifact.Category.ANALYSIS_RESULT
               if category == "analysis"
               else BlackboardArtifact.Category.DATA_ARTIFACT)
        return self.blackboard.getOrAddArtifactType(name, display, cat)

    def attribute_type(self, name, value_type, display):
        vt = getattr(BlackboardAttribute.TSK_BLACKBOARD_ATTRIBUTE_VALUE_TYPE,
                     value_type)
        return self.blackboard.getOrAddAttributeType(name, vt, display)

    def find_files(self, name, parent):
        out = []
        for f in self.fm.findFiles(self.ds, name, parent):
            try:
                off = f.getFileSystem().getImageOffset()
            except Exception:  # noqa: BLE001 (not in a file system)
                off = None
            out.append((f, {"meta_addr": f.getMetaAddr(), "fs_offset": off,
                            "parent_path": f.getParentPath(),
                            "name": f.getName()}))
        return out

    def data_source(self):
        return self.ds

    def _attrs(self, attrs):
        lst = ArrayList()
        for t, v in attrs:
            vt = t.getValueType().name()
            if vt in ("LONG", "DATETIME"):
                lst.add(BlackboardAttribute(t, MODULE_NAME, long(v)))  # noqa
            elif vt == "INTEGER":
                lst.add(BlackboardAttribute(t, MODULE_NAME, int(v)))
            else:
                lst.add(BlackboardAttribute(t, MODULE_NAME, unicode(v)))  # noqa
        return lst

    def new_data_artifact(self, f, art_type, attrs):
        return f.newDataArtifact(art_type, self._attrs(attrs))

    def new_analysis_result(self, f, art_type, score, conclusion, attrs):
        sc = Score(getattr(Score.Significance, score),
                   Score.MethodCategory.AUTO)
        return f.newAnalysisResult(art_type, sc, conclusion, "dof", None,
                                   self._attrs(attrs)).getAnalysisResult()

    def post(self, artifacts):
        lst = ArrayList()
        for a in artifacts:
            lst.add(a)
        self.blackboard.postArtifacts(lst, MODULE_NAME,
                                      self.context.getJobId())

    def cancelled(self):
        return self.context.dataSourceIngestIsCancelled()


class DofIngestModule(DataSourceIngestModule):
    _logger = Logger.getLogger(MODULE_NAME)

    def log(self, msg, level=Level.INFO):
        self._logger.log(level, msg)

    def startUp(self, context):
        self.context = context
        self.dof = find_dof()
        if self.dof is None:
            raise IngestModule.IngestModuleException(
                "dof not found: set DOF_BIN or put dof on PATH "
                "(doc/bindings.md)")

    def process(self, dataSource, progressBar):
        case = Case.getCurrentCase()
        outdir = os.path.join(case.getModuleDirectory(), "dof")
        if not os.path.isdir(outdir):
            os.makedirs(outdir)
        db_path = os.path.join(outdir, "case.db")
        paths = list(dataSource.getPaths())
        progressBar.switchToIndeterminate()
        # dof ingest takes the first segment (E01, split raw); TSK finds
        # the others.
        if paths:
            cmd = dof_mapping.ingest_command(self.dof, db_path, paths[0])
            self.log("running " + " ".join(cmd))
            rc = subprocess.call(cmd)
            if rc not in (0, 1, 4):
                self.log("dof ingest exit %d" % rc, Level.WARNING)
                self._message(IngestMessage.MessageType.ERROR,
                              "dof ingest failed (exit %d)" % rc)
                return IngestModule.ProcessResult.ERROR
        db = dof_mapping.JdbcDB(db_path)
        try:
            api = AutopsyApi(case, dataSource, self.context)
            counts = dof_mapping.post_all(api, db, paths[:1], log=self.log)
        finally:
            db.close()
        self._message(IngestMessage.MessageType.DATA,
                      "dof: %r" % (counts,))
        return IngestModule.ProcessResult.OK

    def _message(self, kind, text):
        IngestServices.getInstance().postMessage(
            IngestMessage.createMessage(kind, MODULE_NAME, text))
