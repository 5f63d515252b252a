// Copyright IBM Corp. and LoopBack contributors 2018,2020. All Rights Reserved.
// Node module: @loopback/example-todo
// This file is licensed under the MIT License.
// License text available at https://opensource.org/licenses/MIT

import {Application, ApplicationConfig, SchemaMigrationOptions} from 'shipshape';
import {TodoRepository} from './repositories';

export {ApplicationConfig};

export class TodoListApplication extends Application {
  constructor(options: ApplicationConfig = {}) {
    super(options);

    this.projectRoot = __dirname;
  }

  // LoopBack's "Database migrations" guide: migrate, then create the data the
  // application needs, handling the case where it already exists.
  async migrateSchema(options?: SchemaMigrationOptions) {
    // 1. Run migration scripts provided by connectors
    await super.migrateSchema(options);

    // 2. Make further changes. When creating predefined model instances,
    // handle the case when these instances already exist.
    const todoRepo = await this.getRepository(TodoRepository);
    const found = await todoRepo.findOne({where: {title: 'welcome'}});
    if (found) {
      await todoRepo.updateById(found.id, {isComplete: false});
    } else {
      // Todo.id is not generated (generated: false): give one.
      const last = await todoRepo.findOne({order: ['id DESC']});
      await todoRepo.create({id: (last?.id ?? 0) + 1, title: 'welcome', isComplete: false});
    }
  }
}
