"""The topics `ensure_topics` creates are every topic the worker's Faust app uses."""
from streams.topics import topic_specs


def test_topic_specs_name_every_table_changelog_with_the_tables_partitions(worker):
    # given the worker's tables
    tables = worker.runtime.app.tables.values()
    # when the topics created before a worker starts are listed
    specs = topic_specs(worker.runtime.settings)
    # then each table's changelog is there, compacted, partitioned as the table
    assert len(tables) == 7
    for table in tables:
        partitions, config = specs[table.changelog_topic.get_topic_name()]
        assert (partitions, config) == (table.partitions, {"cleanup.policy": "compact"})


def test_topic_specs_name_every_topic_an_agent_reads(worker):
    # given the worker's agents
    app = worker.runtime.app
    # when the topics created before a worker starts are listed
    specs = topic_specs(worker.runtime.settings)
    # then every topic an agent reads is there, with the partitions the app gives it
    read = {name: agent.channel.partitions for agent in app.agents.values() for name in agent.channel.topics}
    assert f"{app.conf.id}-rollup-changes" in read
    assert {name: specs[name][0] for name in read} == read
