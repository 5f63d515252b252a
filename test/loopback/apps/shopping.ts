import type { LoopbackApp } from './app.js'

/**
 * loopback4-example-shopping: uuid string ids (defaultFn), a unique email index, a string
 * array, a generated string id without defaultFn, fractional prices and an array of cart items.
 */
export const shoppingApp: LoopbackApp = {
  name: 'shopping',
  models: [
    {
      name: 'User',
      properties: {
        id: { type: 'string', id: true, generated: false, defaultFn: 'uuidv4' },
        email: { type: 'string', required: true, index: { unique: true } },
        firstName: { type: 'string' },
        lastName: { type: 'string' },
        roles: { type: 'array', itemType: 'string' },
      },
      relations: {
        orders: { type: 'hasMany', target: 'Order', keyTo: 'userId' },
        userCredentials: { type: 'hasOne', target: 'UserCredentials', keyTo: 'userId' },
      },
    },
    {
      name: 'UserCredentials',
      properties: {
        id: { type: 'string', id: true, generated: false, defaultFn: 'uuidv4' },
        password: { type: 'string', required: true, hidden: true },
        userId: { type: 'string', required: true },
      },
    },
    {
      name: 'Product',
      properties: {
        productId: { type: 'string', id: true, generated: true },
        name: { type: 'string', required: true },
        price: { type: 'number', postgresql: { dataType: 'double precision' }, mysql: { dataType: 'double' } },
        image: { type: 'string' },
        description: { type: 'string' },
        details: { type: 'string' },
      },
    },
    {
      name: 'ShoppingCartItem',
      isValueType: true,
      properties: {
        productId: { type: 'string', required: true },
        quantity: { type: 'number' },
        price: { type: 'number' },
      },
    },
    {
      name: 'Order',
      properties: {
        orderId: { type: 'string', id: true, generated: false, defaultFn: 'uuidv4' },
        date: { type: 'string' },
        userId: { type: 'string' },
        total: { type: 'number', postgresql: { dataType: 'double precision' }, mysql: { dataType: 'double' } },
        products: { type: 'array', itemType: 'ShoppingCartItem', required: true },
      },
      relations: { user: { type: 'belongsTo', target: 'User', keyFrom: 'userId' } },
    },
  ],
  async seed(create, n) {
    const user = await create('User', { email: `ann${n}@example.com`, firstName: 'Ann', lastName: "O'Neil", roles: ['customer', 'support'] })
    await create('UserCredentials', { password: `$2a$10$hash${n}`, userId: user.id })
    const p = await create('Product', { name: `Pencil ${n}`, price: 1.25 + n, description: 'HB' })
    await create('Product', { name: 'Pen', price: 3.5, image: '/img/pen.png', details: 'blue ink' })
    await create('Order', {
      date: '2024-03-01',
      userId: user.id,
      total: 6.25,
      products: [{ productId: String(p.productId), quantity: 5, price: 1.25 }],
    })
  },
}
