"""Dependency-injection container of `mm reflect`: the model, Postgres and file adapters, the workflow."""

from __future__ import annotations

from dependency_injector import containers, providers

from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.llm.model_resolution import resolve_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.reflection_outcome_store import PostgresReflectionOutcomeStore
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.apps._shared import SharedContainer
from mm.apps.reflector.settings import ReflectorSettings
from mm.usecases.reflection.reflect import ReflectionWorkflow
from mm.usecases.reflection.reflection_loop import ReflectionLoop


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=ReflectorSettings)

    # --- resources: logging, database, engine, metrics, clock
    shared = providers.Container(SharedContainer, settings=settings)

    # --- the model (offline rules when MODEL is unset)
    llm_model = providers.Singleton(
        resolve_model,
        settings.provided.model_id,
        api_key=settings.provided.openai_api_key,
        base_url=settings.provided.openai_base_url,
    )

    # --- adapters
    summaries = providers.Singleton(PostgresBucketSummaryStore, engine=shared.engine)
    fills = providers.Singleton(PostgresFillEnrichmentStore, engine=shared.engine)
    proposals = providers.Singleton(PostgresParamProposalStore, engine=shared.engine)
    params = providers.Singleton(PostgresParamRolloutStore, engine=shared.engine)
    outcomes = providers.Singleton(PostgresReflectionOutcomeStore, engine=shared.engine)
    reasoning = providers.Singleton(FileReasoningSink, log_dir=settings.provided.resolved_log_dir)
    advisor = providers.Singleton(
        PydanticAiParamAdvisor,
        model=llm_model,
        request_timeout_s=settings.provided.llm_request_timeout_s,
        transport_retries=settings.provided.llm_transport_retries,
        output_retries=settings.provided.llm_output_retries,
    )

    # --- use cases
    workflow = providers.Factory(
        ReflectionWorkflow,
        summaries=summaries,
        fills=fills,
        params=params,
        advisor=advisor,
        reasoning=reasoning,
        proposals=proposals,
        outcomes=outcomes,
        clock=shared.clock,
        metrics=shared.metrics,
        evidence=settings.provided.evidence,
        worst_fills_limit=settings.provided.worst_fills_limit,
    )
    loop = providers.Factory(
        ReflectionLoop,
        workflow=workflow,
        clock=shared.clock,
        metrics=shared.metrics,
        exchange=settings.provided.exchange,
        symbols=settings.provided.symbols,
        schedule=settings.provided.schedule,
        interval_ms=settings.provided.run_interval_ms,
    )
